#!/usr/bin/env bash
# Builds the release preset and runs the whole test suite with CTest. When PostgreSQL's server binaries are
# installed, a throwaway server (scripts/postgres.sh) runs for the duration and HIRELM_TEST_POSTGRES_URL points
# the store, queue and service tests at it; it is stopped at the end unless it was running before.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
cmake --build --preset release

if [ -z "${HIRELM_TEST_POSTGRES_URL:-}" ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if ! bash scripts/postgres.sh status; then
    trap 'bash scripts/postgres.sh stop' EXIT
  fi
  HIRELM_TEST_POSTGRES_URL="$(bash scripts/postgres.sh start)"
  export HIRELM_TEST_POSTGRES_URL
  echo "test.sh: PostgreSQL tests use $HIRELM_TEST_POSTGRES_URL"
fi
ctest --preset release -j2 "$@"
