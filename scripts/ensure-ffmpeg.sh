#!/usr/bin/env bash
# Makes sure Debian's ffmpeg (ffmpeg + ffprobe) is installed: the mask tests decode every mask they
# make with it. Installs it with apt-get when missing; prints the path of the ffmpeg binary on stdout.
set -euo pipefail
. "$(dirname "$0")/apt-install.sh"
FFMPEG="${WAN_VACE_FFMPEG:-/usr/bin/ffmpeg}"
FFPROBE="$(dirname "$FFMPEG")/ffprobe"
if [ ! -x "$FFMPEG" ] || [ ! -x "$FFPROBE" ]; then
	apt_install ensure-ffmpeg ffmpeg
fi
"$FFMPEG" -hide_banner -version | head -n 1 >&2
echo "$FFMPEG"
