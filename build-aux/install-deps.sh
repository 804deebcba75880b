#!/usr/bin/env bash
# Installs what VerifyDesk needs to build, run and test on Debian 12, and nothing that is
# already there. Runs as root, or through sudo.
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libglib2.0-bin libjson-glib-dev libsoup-3.0-dev libsecret-1-dev
  libsqlite3-dev libgtk-4-dev libadwaita-1-dev
  libpq-dev
  # run: TLS for libsoup, SVG icons, GL under Xvfb, a CJK font so Chinese is not boxes
  glib-networking librsvg2-common libgl1-mesa-dri fonts-wqy-microhei
  # test: a display, a private session bus and a real keyring (no dbus-x11: it autolaunches
  # stray buses), the validators, and python3 for the test runner and the independent gateway
  xvfb xauth dbus-daemon gnome-keyring libsecret-tools desktop-file-utils python3
  # test: the metainfo validator (and its ITS rules for gettext), the Flatpak manifest check,
  # and groff for the man pages
  appstream flatpak-builder groff-base
  # test: a real PostgreSQL server (initdb and pg_ctl) for the shared history
  postgresql
  # the second test build: clang with its sanitizer and libFuzzer runtimes
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi

echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
