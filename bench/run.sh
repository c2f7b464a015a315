#!/usr/bin/env bash
# Every benchmark scenario, or the ones named: bench/run.sh [track] [fanout] [invite] [idle] [options]
# Same as ./tippen bench ...; see bench/README.md. Loopback only; every load is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./tippen bench "$@"
