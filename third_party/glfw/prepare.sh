#!/usr/bin/env bash
# Makes the patched copy of go-gl/glfw that go.mod's replace directive points
# to (third_party/glfw/module, not in git): the module as the Go module proxy
# serves it, checked against the hash pinned here, with ime.patch applied.
# Every make target that builds runs it first; it does nothing when the copy
# is already made from this patch. See README.md beside it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mod=github.com/go-gl/glfw/v3.3/glfw
ver=v0.0.0-20240506104042-037f3cc74f2a
sum=h1:vxnBhFDDT+xzxf1jTJKMKZw3H0swfWk9RpWbBbDK5+0= # go.sum's line before the patch
out=$here/module
stamp="$ver $(sha256sum "$here/ime.patch" | cut -c1-64)"

if [ -f "$out/ONEWINDOW-PATCHED" ] && [ "$(cat "$out/ONEWINDOW-PATCHED")" = "$stamp" ]; then
	exit 0
fi
command -v patch >/dev/null || { echo "prepare.sh: the patch command is missing (Debian package patch)" >&2; exit 1; }

# Downloaded outside this module (whose go.mod replaces it), checked against
# the pinned hash instead of the checksum database.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$out.new"' EXIT
json=$(cd "$tmp" && GOWORK=off GOFLAGS=-mod=mod GONOSUMDB=$mod go mod download -json "$mod@$ver")
dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
got=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",$/\1/p')
if [ "$got" != "$sum" ] || [ ! -d "$dir" ]; then
	echo "prepare.sh: $mod@$ver has hash '$got', expected $sum" >&2
	exit 1
fi

rm -rf "$out.new"
cp -R "$dir" "$out.new"
chmod -R u+w "$out.new"
patch -p1 --batch --forward --quiet -d "$out.new" <"$here/ime.patch"
echo "$stamp" >"$out.new/ONEWINDOW-PATCHED"
rm -rf "$out"
mv "$out.new" "$out"
echo "third_party/glfw/module: $mod@$ver with ime.patch"
