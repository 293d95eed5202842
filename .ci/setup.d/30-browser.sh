# Debian's chromium, fonts and pango for the dashboard's browser tests and the bulletin PDFs
# (issue 5). Sourced by .ci/run (bash, set -euo pipefail). Playwright drives this chromium through
# executable_path; nothing downloads a browser of its own. Exports CEASEFIRE_CHROMIUM.
# Safe to source again: installs only what is missing. Runs as root (CI and sessions are).

browser_missing=()
command -v chromium >/dev/null || browser_missing+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || browser_missing+=(fonts-dejavu-core)
ldconfig -p | grep -q libpangoft2-1.0 || browser_missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ "${#browser_missing[@]}" -gt 0 ]; then
  echo "30-browser: installing ${browser_missing[*]} from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${browser_missing[@]}" >/dev/null
fi
export CEASEFIRE_CHROMIUM="$(command -v chromium)"
echo "30-browser: $("$CEASEFIRE_CHROMIUM" --version 2>/dev/null || echo chromium)"
