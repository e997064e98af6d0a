#!/usr/bin/env bash
# Makes the Debian package (UOS, Kylin, Debian, Ubuntu) from a built binary:
#   tools/deb.sh ARCH BINARY        → bin/onewindow_VERSION_ARCH.deb
# with the binary, the desktop entry, the icon and the licence texts. Depends
# names what the binary loads: the libraries it links (read from the binary:
# libc, libX11 and libGL — or libGLESv2 and libEGL where Fyne uses OpenGL ES,
# on arm64), and the X libraries GLFW opens at start (libXrandr, libXinerama,
# libXcursor, libXi, libXxf86vm, libX11-xcb); the input methods and the
# printing and viewing tools are recommended.
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
CGO_ENABLED=1 GOARCH=$arch tools/licences.sh "$root/usr/share/doc/onewindow/licences" >/dev/null
depends="libc6 (>= 2.34), libx11-xcb1, libxrandr2, libxinerama1, libxcursor1, libxi6, libxxf86vm1"
for lib in $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
	case $lib in
	libc.so.6 | libm.so.6 | libpthread.so.0 | libdl.so.2 | librt.so.1) ;;
	libX11.so.6) depends="$depends, libx11-6" ;;
	libGL.so.1) depends="$depends, libgl1" ;;
	libGLESv2.so.2) depends="$depends, libgles2" ;;
	libEGL.so.1) depends="$depends, libegl1" ;;
	*)
		echo "deb.sh: $bin links $lib, which this script does not know the package of" >&2
		exit 1
		;;
	esac
done
size=$(du -sk "$root" | cut -f1)
mkdir -p "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: onewindow
Version: ${version}-${build}
Architecture: $arch
Maintainer: OneWindow <onewindow@localhost>
Installed-Size: $size
Depends: $depends
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
