// The one place the console names its libraries (served from WebJars on the classpath).
export { html, render, useState, useEffect, useRef, useMemo, useCallback } from '/console/lib/_static/htm/3.1.1/preact/standalone.module.js';
