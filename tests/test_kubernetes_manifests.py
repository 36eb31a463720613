"""deploy/kubernetes/: valid against the Kubernetes schemas (offline) and in step with the Dockerfile.

No cluster runs here; ``kubernetes-validate`` carries the API schemas, so a misspelt field or a
wrong type fails this test, and the cross-checks below catch manifests that are valid but would
not work together (a Service selecting no pod, a probe on the wrong port, a secret in the open).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

kubernetes_validate = pytest.importorskip("kubernetes_validate")
yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[1]
MANIFESTS = sorted((ROOT / "deploy" / "kubernetes").glob("*.yaml"))
KUBERNETES_VERSION = "1.30.0"
HEALTH = "/_stcore/health"


def load_all() -> dict[str, dict]:
    """Every resource in deploy/kubernetes/, by kind."""
    resources = {}
    for path in MANIFESTS:
        for document in yaml.safe_load_all(path.read_text()):
            assert document["kind"] not in resources, f"two {document['kind']} resources"
            resources[document["kind"]] = document
    return resources


RESOURCES = load_all()
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def container() -> dict:
    (only,) = RESOURCES["Deployment"]["spec"]["template"]["spec"]["containers"]
    return only


def test_the_manifests_hold_what_a_lecture_needs():
    assert {"Deployment", "Service", "Ingress", "HorizontalPodAutoscaler"} <= set(RESOURCES)


@pytest.mark.parametrize("kind", sorted(RESOURCES))
def test_valid_against_the_kubernetes_schema(kind):
    kubernetes_validate.validate(RESOURCES[kind], KUBERNETES_VERSION, strict=True)


def test_the_validator_rejects_a_misspelt_field():
    broken = copy.deepcopy(RESOURCES["Deployment"])
    broken["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"httpGet": {"path": HEALTH}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_pods_run_the_dockerfile_image_as_its_non_root_user_on_its_port():
    pod = RESOURCES["Deployment"]["spec"]["template"]["spec"]
    user = re.search(r"^USER (\d+)", DOCKERFILE, re.MULTILINE)
    assert user, "the Dockerfile's USER must be numeric for runAsNonRoot"
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == int(user.group(1)) != 0
    assert container()["securityContext"]["allowPrivilegeEscalation"] is False
    exposed = int(re.search(r"^EXPOSE (\d+)", DOCKERFILE, re.MULTILINE).group(1))
    assert [port["containerPort"] for port in container()["ports"]] == [exposed]
    assert "command" not in container() and "args" not in container(), "run the image's own CMD"


@pytest.mark.parametrize("probe", ["readinessProbe", "livenessProbe", "startupProbe"])
def test_probes_ask_streamlit_health_on_the_container_port(probe):
    check = container()[probe]["httpGet"]
    assert check["path"] == HEALTH
    assert check["port"] in {port.get("name") for port in container()["ports"]} | {
        port["containerPort"] for port in container()["ports"]
    }


def test_requests_and_limits_for_cpu_and_memory():
    resources = container()["resources"]
    for part in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources[part]), part


def test_the_cookie_secret_comes_from_a_secret_never_from_the_repository():
    (secret,) = [env for env in container()["env"] if env["name"] == "STREAMLIT_SERVER_COOKIE_SECRET"]
    assert "value" not in secret
    assert secret["valueFrom"]["secretKeyRef"]["name"]
    assert "Secret" not in RESOURCES, "create the Secret with kubectl, never commit one"
    assert "cookieSecret" not in (ROOT / ".streamlit" / "config.toml").read_text()


def test_the_service_selects_the_pods_and_the_ingress_routes_to_the_service():
    deployment, service, ingress = RESOURCES["Deployment"], RESOURCES["Service"], RESOURCES["Ingress"]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    (port,) = service["spec"]["ports"]
    assert port["targetPort"] in ("http", container()["ports"][0]["containerPort"])
    (rule,) = ingress["spec"]["rules"]
    for path in rule["http"]["paths"]:
        backend = path["backend"]["service"]
        assert backend["name"] == service["metadata"]["name"]
        assert backend["port"].get("name") == port["name"] or backend["port"].get("number") == port["port"]


def test_the_ingress_pins_a_student_to_one_pod_and_keeps_idle_websockets_an_hour():
    annotations = RESOURCES["Ingress"]["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert annotations[prefix + "affinity"] == "cookie"
    assert annotations[prefix + "session-cookie-change-on-failure"] == "true"
    for timeout in ("proxy-read-timeout", "proxy-send-timeout"):
        assert int(annotations[prefix + timeout]) >= 3600
    assert not any("sticky" in key for key in annotations), "sticky cookies are an NGINX Plus feature"


def test_the_autoscaler_scales_the_deployment_on_cpu():
    hpa = RESOURCES["HorizontalPodAutoscaler"]["spec"]
    assert hpa["scaleTargetRef"]["kind"] == "Deployment"
    assert hpa["scaleTargetRef"]["name"] == RESOURCES["Deployment"]["metadata"]["name"]
    (metric,) = hpa["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert 1 <= hpa["minReplicas"] <= hpa["maxReplicas"]
