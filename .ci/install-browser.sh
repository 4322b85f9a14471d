#!/bin/sh
# Debian's chromium for the review browser tests (tests/test_review_browser.py drive it through
# Playwright with executable_path=/usr/bin/chromium). Never `playwright install`: no browser download.
# Best effort: without root (or passwordless sudo) the browser tests skip with a clear reason.
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null || true
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    (sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null || true
fi
command -v chromium >/dev/null 2>&1 || echo "note: chromium not installed (needs apt-get as root); the review browser tests will be skipped" >&2
exit 0
