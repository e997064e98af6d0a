#!/usr/bin/env bash
# Writes the licence texts of everything the program is built from into OUT:
# one file per Go module compiled into it (for the GOOS and GOARCH in the
# environment), Go's own, GLFW's (C, inside go-gl/glfw) and the bundled
# font's, with OUT/README.txt listing them. Used by the packages
# (make package-windows, make deb).
#   tools/licences.sh OUT
set -euo pipefail
out=${1:?usage: tools/licences.sh OUT}
cd "$(dirname "$0")/.."
mkdir -p "$out"
{
	echo "一窗通 OneWindow 使用的第三方软件及其许可证 / Third-party software in OneWindow and its licences"
	echo
} >"$out/README.txt"
go list -deps -tags migrated_fynedo,sqlite_fts5 -f '{{with .Module}}{{.Path}}	{{.Version}}	{{.Dir}}{{end}}' . | sort -u |
	while IFS=$'\t' read -r path version dir; do
		[ "$path" = github.com/onewindow/onewindow ] && continue
		name=$(printf '%s' "$path" | tr '/' '_').txt
		: >"$out/$name"
		for f in "$dir"/LICENSE* "$dir"/LICENCE* "$dir"/COPYING*; do
			[ -f "$f" ] && cat "$f" >>"$out/$name"
		done
		if [ ! -s "$out/$name" ]; then
			echo "licences.sh: no licence file in $path ($dir)" >&2
			exit 1
		fi
		[ -n "$version" ] || version=$(cat "$dir/ONEWINDOW-PATCHED" 2>/dev/null | cut -d' ' -f1 || true)
		echo "$path $version: $name" >>"$out/README.txt"
	done
glfw=$(go list -tags migrated_fynedo,sqlite_fts5 -f '{{.Module.Dir}}' github.com/go-gl/glfw/v3.3/glfw)
cp "$glfw/glfw/LICENSE.md" "$out/glfw-C.txt"
echo "GLFW 3.3 (C, inside github.com/go-gl/glfw, patched: third_party/glfw): glfw-C.txt" >>"$out/README.txt"
cp "$(go env GOROOT)/LICENSE" "$out/go.txt"
echo "Go $(go env GOVERSION) (runtime and standard library): go.txt" >>"$out/README.txt"
cat assets/fonts/LICENSE-wqy-microhei.txt assets/fonts/LICENSE-Apache-2.0.txt >"$out/font-wenquanyi-micro-hei.txt"
echo "WenQuanYi Micro Hei (the bundled font, a subset): font-wenquanyi-micro-hei.txt" >>"$out/README.txt"
echo "SQLite (inside github.com/mattn/go-sqlite3) is in the public domain." >>"$out/README.txt"
