#!/usr/bin/env bash
# 生成示例公文并渲染为 PNG 以便目视检查：
#   scripts/render-docx.sh OUT_DIR
# 产物：OUT_DIR/sample.docx、OUT_DIR/sample.pdf、OUT_DIR/page-N.png
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "用法：$0 OUT_DIR" >&2
    exit 2
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$1"
OUT="$(cd "$1" && pwd)"

need=()
command -v libreoffice >/dev/null 2>&1 || need+=(libreoffice-writer)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fonts="$(fc-list : family 2>/dev/null || true)"
[[ "$fonts" == *"Noto Serif CJK"* ]] || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
    echo "安装：${need[*]}" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${need[@]}"
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
(cd "$ROOT" && cargo run --quiet -p lianzheng-docs --example sample_docx -- "$OUT/sample.docx")

# 独立的 LibreOffice 用户配置目录，避免与正在运行的实例冲突。
PROFILE="$(mktemp -d)"
trap 'rm -rf "$PROFILE"' EXIT

# 预览机上没有公文字体：把它们映射到 Noto CJK，使黑体（无衬线）与仿宋、楷体、
# 宋体（衬线）在预览中可区分，小标宋用粗体衬线。只影响本次转换。
fontmap() { # 公文字体 替代字体 [粗细]
    printf '<match target="pattern"><test name="family"><string>%s</string></test>' "$1"
    printf '<edit name="family" mode="assign" binding="strong"><string>%s</string></edit>' "$2"
    [ -n "${3:-}" ] && printf '<edit name="weight" mode="assign"><const>%s</const></edit>' "$3"
    printf '</match>\n'
}
{
    echo '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
    echo '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
    fontmap "仿宋_GB2312" "Noto Serif CJK SC"
    if [[ "$fonts" == *"AR PL UKai CN"* ]]; then
        fontmap "楷体_GB2312" "AR PL UKai CN"
    else
        fontmap "楷体_GB2312" "Noto Serif CJK SC"
    fi
    fontmap "宋体" "Noto Serif CJK SC"
    fontmap "黑体" "Noto Sans CJK SC"
    fontmap "方正小标宋简体" "Noto Serif CJK SC" bold
    echo '</fontconfig>'
} > "$PROFILE/fonts.conf"

FONTCONFIG_FILE="$PROFILE/fonts.conf" libreoffice -env:UserInstallation="file://$PROFILE/lo" --headless \
    --convert-to pdf --outdir "$OUT" "$OUT/sample.docx" >/dev/null

rm -f "$OUT"/page-*.png
pdftoppm -png -r 60 "$OUT/sample.pdf" "$OUT/page"
ls "$OUT"
