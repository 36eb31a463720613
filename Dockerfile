# EM Lab: one replica of the teaching app. Build: docker build -t em-lab .
# Run: docker run -p 8501:8501 -e STREAMLIT_SERVER_COOKIE_SECRET="$(openssl rand -hex 32)" em-lab
# (then open http://localhost:8501). Several replicas must share that one secret: see docs/deploy.md.
# The Kubernetes manifests in deploy/kubernetes/ run this image as it is: user 10001, port 8501,
# probes on /_stcore/health; keep them in step (tests/test_kubernetes_manifests.py checks).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 emlab \
    && useradd --system --uid 10001 --gid emlab --home-dir /app --shell /usr/sbin/nologin emlab

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=emlab:emlab app.py ./
COPY --chown=emlab:emlab pages ./pages
COPY --chown=emlab:emlab emlab ./emlab
COPY --chown=emlab:emlab gmm_core ./gmm_core
# The 'Your own data' page offers this file as an example.
COPY --chown=emlab:emlab examples ./examples
COPY --chown=emlab:emlab .streamlit ./.streamlit

# Numeric, so Kubernetes' runAsNonRoot can check it without reading /etc/passwd.
USER 10001:10001
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status == 200 else 1)"

CMD ["streamlit", "run", "app.py", "--server.headless=true", "--server.address=0.0.0.0", "--server.port=8501"]
