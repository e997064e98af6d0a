#!/usr/bin/python3
# Builds assets/fonts/onewindow-sc.ttf from WenQuanYi Micro Hei (Debian
# package fonts-wqy-microhei, Apache-2.0): the first face of the .ttc,
# subset to ASCII, Latin-1, general and CJK punctuation, full-width forms,
# and every character of GB 2312 plus the GB 18030 BMP ideographs the
# font has (rare characters in names). See README.md in this folder.
import sys
from fontTools.ttLib import TTCollection
from fontTools import subset

src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
out = sys.argv[2] if len(sys.argv) > 2 else "onewindow-sc.ttf"

font = TTCollection(src).fonts[0]
cmap = font.getBestCmap()

wanted = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
wanted |= set(range(0x2000, 0x2070)) | set(range(0x2100, 0x2200)) | set(range(0x2460, 0x2500))
wanted |= set(range(0x25A0, 0x2600)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
# GB 2312: rows 0xA1–0xF7, columns 0xA1–0xFE.
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            wanted.add(ord(bytes([hi, lo]).decode("gb2312")))
        except UnicodeDecodeError:
            pass
# CJK Unified Ideographs (BMP) and Extension A: every one the font draws.
wanted |= {c for c in cmap if 0x3400 <= c <= 0x4DBF or 0x4E00 <= c <= 0x9FFF}

options = subset.Options()
options.layout_features = ["*"]
options.name_IDs = ["*"]
options.name_languages = ["*"]
options.notdef_outline = True
options.glyph_names = False
options.hinting = False
sub = subset.Subsetter(options)
sub.populate(unicodes=sorted(c for c in wanted if c in cmap))
sub.subset(font)
font.save(out)
print(out, len([c for c in wanted if c in cmap]), "characters")
