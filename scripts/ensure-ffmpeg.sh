#!/usr/bin/env bash
# Makes sure Debian's ffmpeg (ffmpeg + ffprobe) is installed: the mask tests decode every mask they
# make with it. Installs it with apt-get when missing; prints the path of the ffmpeg binary on stdout.
set -euo pipefail
FFMPEG="${WAN_VACE_FFMPEG:-/usr/bin/ffmpeg}"
FFPROBE="$(dirname "$FFMPEG")/ffprobe"
if [ ! -x "$FFMPEG" ] || [ ! -x "$FFPROBE" ]; then
	echo "ensure-ffmpeg: $FFMPEG or $FFPROBE is missing; apt-get install -y ffmpeg" >&2
	if [ "$(id -u)" -ne 0 ]; then
		echo "ensure-ffmpeg: not root; install Debian's ffmpeg package (sudo apt-get install -y ffmpeg) or set WAN_VACE_FFMPEG" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends ffmpeg >&2
fi
"$FFMPEG" -hide_banner -version | head -n 1 >&2
echo "$FFMPEG"
