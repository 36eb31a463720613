"""简体中文: the animation export for slides (the translation of ``slides_text.EN``)."""

# ruff: noqa: E501 (catalogue entries are sentences; wrapping them helps nobody)

ZH = {
    "slides.header": "用于幻灯片的动画",
    "slides.kind": "文件类型",
    "slides.kind.gif": "GIF（任何幻灯片软件都能播放）",
    "slides.kind.mp4": "MP4（视频，更小更清晰）",
    "slides.size": "尺寸",
    "slides.size.720p": "1280 × 720",
    "slides.size.1080p": "1920 × 1080",
    "slides.speed": "速度",
    "slides.speed.play": "正常（同“播放”）",
    "slides.speed.slow": "慢速（同“慢放”）",
    "slides.make": "生成文件",
    "slides.make.help": "在服务器上把动画的每一帧按屏幕上的样子画出来，使用所选的语言和演示模式；最后一帧会停留片刻。",
    "slides.progress": "正在绘制第 {done} 帧，共 {total} 帧",
    "slides.ready": "已完成：{frames} 帧，{megabytes:.1f} MB。",
    "slides.download.gif": "下载 GIF",
    "slides.download.mp4": "下载 MP4",
    "slides.busy": "服务器上正在进行另一个导出；同一时间只能运行一个。请稍等片刻再试。",
    "slides.no_chromium": "动画帧由 Chromium 浏览器绘制，但服务器上没有找到。请安装一个（Debian/Ubuntu：`apt-get install chromium`），或把环境变量 EMLAB_CHROMIUM 设为 Chrome 或 Chromium 程序的路径，然后重启应用。离线 HTML 下载不需要它。",
    "slides.no_frames": "这张图没有可导出的动画帧。",
}
