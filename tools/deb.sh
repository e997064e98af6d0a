#!/usr/bin/env bash
# Makes the Debian package (UOS, Kylin, Debian, Ubuntu) from a built binary:
#   tools/deb.sh ARCH BINARY        → bin/onewindow_VERSION_ARCH.deb
# with the binary, the desktop entry, the icon and the licence texts. Depends
# names what the binary loads: libc, libGL and libX11 (linked), and the X
# libraries GLFW opens at start (libXrandr, libXinerama, libXcursor, libXi,
# libXxf86vm, libX11-xcb); the input methods and the printing and viewing
# tools are recommended.
set -euo pipefail
arch=${1:?usage: tools/deb.sh ARCH BINARY}
bin=${2:?usage: tools/deb.sh ARCH BINARY}
cd "$(dirname "$0")/.."
version=$(sed -n 's/^Version = "\(.*\)"/\1/p' FyneApp.toml)
build=$(sed -n 's/^Build = \([0-9]*\)/\1/p' FyneApp.toml)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/onewindow_${version}-${build}_$arch
install -D -m 0755 "$bin" "$root/usr/bin/onewindow"
install -D -m 0644 packaging/linux/cn.gov.onewindow.desktop "$root/usr/share/applications/cn.gov.onewindow.desktop"
install -D -m 0644 assets/icon.png "$root/usr/share/icons/hicolor/256x256/apps/cn.gov.onewindow.png"
GOARCH=$arch tools/licences.sh "$root/usr/share/doc/onewindow/licences" >/dev/null
size=$(du -sk "$root" | cut -f1)
mkdir -p "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: onewindow
Version: ${version}-${build}
Architecture: $arch
Maintainer: OneWindow <onewindow@localhost>
Installed-Size: $size
Depends: libc6 (>= 2.34), libgl1, libx11-6, libx11-xcb1, libxrandr2, libxinerama1, libxcursor1, libxi6, libxxf86vm1
Recommends: fcitx5-chinese-addons | ibus-libpinyin, xdg-utils, cups-client
Section: misc
Priority: optional
Description: 一窗通 OneWindow — one-stop administrative service window
 Registers applications at the county, township and village service windows,
 counts their deadlines in working days on the national calendar, prints the
 notices handed to applicants, and exports signed records to the centre.
CONTROL
mkdir -p bin
dpkg-deb --root-owner-group -Zxz --build "$root" "bin/onewindow_${version}-${build}_$arch.deb" >/dev/null
echo "bin/onewindow_${version}-${build}_$arch.deb"
