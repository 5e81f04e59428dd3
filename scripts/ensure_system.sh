#!/usr/bin/env bash
# Install the Debian packages the build or the tests need, when they are missing.
# Usage: scripts/ensure_system.sh book|test
# As root it installs with apt-get; otherwise it prints the exact command and fails.
set -euo pipefail
what=${1:-book}
# kaleido draws the PDF figures with Debian's Chromium; the PDF goes through XeLaTeX and make;
# poppler-utils turns the printed charts into the gallery's images.
book_pkgs="chromium make poppler-utils texlive-xetex texlive-latex-extra latexmk texlive-fonts-recommended texlive-plain-generic lmodern fonts-freefont-otf"
# the tests also read the PDF (poppler-utils) and drive Chromium (same packages).
test_pkgs="$book_pkgs"
pkgs=$book_pkgs; [ "$what" = test ] && pkgs=$test_pkgs
# One dpkg-query for all of them (this runs before every build).
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $pkgs 2>/dev/null | awk '/ install ok installed$/ {print $1}' || true)
missing=()
for p in $pkgs; do
  grep -qx "$p" <<<"$installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "==> system packages present"
  exit 0
fi
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "error: missing Debian packages: ${missing[*]}" >&2
  echo "run as root: $cmd" >&2
  exit 1
fi
echo "==> installing Debian packages: ${missing[*]} (a few minutes the first time)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "==> system packages installed"
