#!/usr/bin/env bash
# Installs every system dependency of hirelm from Debian packages (and the npm packages that tests and
# benchmarks use), then configures and builds the release preset. Idempotent: run it as often as you like.
#   scripts/setup.sh            install + build
#   scripts/setup.sh --no-build install only
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
[ "${1:-}" = "--no-build" ] && build=0

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

packages=(
  build-essential cmake ninja-build pkg-config git clang libclang-rt-14-dev libfuzzer-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev libsimde-dev
  nlohmann-json3-dev libutf8proc-dev libpcre2-dev libicu-dev libzstd-dev
  libcurl4-openssl-dev libssl-dev libcpp-httplib-dev
  python3
  libpoppler-cpp-dev libzip-dev libpugixml-dev libxml2-dev libcairo2-dev fonts-wqy-zenhei
  libtesseract-dev libleptonica-dev tesseract-ocr-eng tesseract-ocr-chi-sim
  libsqlite3-dev libxlsxwriter-dev libpq-dev postgresql libsodium-dev
  chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm: use whatever the machine has (a distribution or vendor build); Debian's packages otherwise.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages for tests and benchmarks (reference tokenizer, OpenAI client, ...), pinned by package-lock.json.
if [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  fi
fi

if [ $build = 1 ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release
fi
