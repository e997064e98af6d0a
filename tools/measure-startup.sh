#!/usr/bin/env bash
# Measures the desktop program on a big database (docs/benchmarks.md):
# time to the window and to the site name in its title, then resident memory
# after logging in as zhangli (PIN 1234) with the case list loaded.
#   tools/measure-startup.sh DB   (needs Xvfb and xdotool; uses display :177)
set -euo pipefail
db=${1:?usage: tools/measure-startup.sh DB}
bin=$(dirname "$0")/../bin/onewindow
Xvfb :177 -screen 0 1024x768x24 -nolisten tcp >/dev/null 2>&1 &
xp=$!
trap 'kill $xp 2>/dev/null' EXIT
sleep 1
export DISPLAY=:177
t0=$(date +%s.%N)
"$bin" --db "$db" >/dev/null 2>&1 &
p=$!
until xdotool search --name OneWindow >/dev/null 2>&1; do sleep 0.02; done
t1=$(date +%s.%N)
until xdotool search --name 示例县 >/dev/null 2>&1; do sleep 0.02; done
t2=$(date +%s.%N)
echo "window mapped: $(echo "$t1 - $t0" | bc) s; site in title: $(echo "$t2 - $t0" | bc) s"
sleep 1
grep -E "RssAnon|RssFile" /proc/$p/status | sed 's/^/before login: /'
xdotool mousemove 540 283 click 1; sleep 0.7; xdotool mousemove 480 570 click 1; sleep 0.5
xdotool mousemove 520 320 click 1; xdotool type 1234; xdotool key Return
until xdotool search --name 张丽 >/dev/null 2>&1; do sleep 0.02; done
sleep 3
grep -E "VmRSS|RssAnon|RssFile" /proc/$p/status | sed 's/^/after login: /'
kill $p
