// The preact and htm modules the console imports, in one place (served from WebJars on the classpath);
// uPlot, a classic script, is loaded by index.html.
export { html, render, useState, useEffect, useRef, useMemo, useCallback } from '/console/lib/_static/htm/3.1.1/preact/standalone.module.js';
