"""Text of the animation export for slides (emlab.playground.slides): sizes, progress, problems."""

# ruff: noqa: E501 (catalogue entries are sentences; wrapping them helps nobody)

EN = {
    "slides.header": "Animation for slides",
    "slides.kind": "File type",
    "slides.kind.gif": "GIF (plays in any slide program)",
    "slides.kind.mp4": "MP4 (video, smaller and sharper)",
    "slides.size": "Size",
    "slides.size.720p": "1280 × 720",
    "slides.size.1080p": "1920 × 1080",
    "slides.speed": "Speed",
    "slides.speed.play": "Normal (as Play)",
    "slides.speed.slow": "Slow (as Slow)",
    "slides.make": "Make the file",
    "slides.make.help": "Draws every frame of the animation on the server, as on screen, in the language and presentation mode chosen; the last frame is held for a moment.",
    "slides.progress": "Drawing frame {done} of {total}",
    "slides.ready": "Ready: {frames} frames, {megabytes:.1f} MB.",
    "slides.download.gif": "Download the GIF",
    "slides.download.mp4": "Download the MP4",
    "slides.busy": "Another export is running on this server; only one runs at a time. Wait a moment and try again.",
    "slides.no_chromium": "The frames are drawn by a Chromium browser, and none was found on the server. Install one (Debian/Ubuntu: `apt-get install chromium`) or set the environment variable EMLAB_CHROMIUM to the path of a Chrome or Chromium program, then restart the app. The offline HTML download works without it.",
    "slides.no_frames": "This figure has no animation frames to export.",
}
