"""deploy/: the Kubernetes manifests pass the API schemas offline and agree with the measured sizes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stepguide.serve.admission import KERNEL_MIB
from stepguide.serve.workshop import WORKER_MIB

yaml = pytest.importorskip("yaml")
kubernetes_validate = pytest.importorskip("kubernetes_validate")

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
MANIFESTS = sorted((DEPLOY / "k8s").glob("*.yaml"))


def _docs() -> list[dict]:
    return [d for path in MANIFESTS for d in yaml.safe_load_all(path.read_text()) if d]


def _kind(kind: str) -> dict:
    (doc,) = [d for d in _docs() if d["kind"] == kind]
    return doc


def _mib(quantity: str) -> float:
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024}
    match = re.fullmatch(r"([0-9.]+)([KMG]i)", quantity)
    assert match, quantity
    number, unit = match.groups()
    return float(number) * units[unit]


@pytest.mark.parametrize("version", ["1.29.0", "1.37.0"])
@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_is_valid_kubernetes(path, version):
    for doc in yaml.safe_load_all(path.read_text()):
        kubernetes_validate.validate(doc, version, strict=True)


def test_every_part_is_there():
    assert {d["kind"] for d in _docs()} == {"Deployment", "Service", "Ingress", "HorizontalPodAutoscaler"}


def test_pod_memory_fits_its_kernel_cap():
    (container,) = _kind("Deployment")["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: int(e["value"]) for e in container["env"] if e["value"].isdigit()}
    limit = _mib(container["resources"]["limits"]["memory"])
    assert env["ROOM"] <= env["CAP"], "the warm pool must fit under the cap"
    assert env["CAP"] * KERNEL_MIB + WORKER_MIB <= limit, (
        f"CAP={env['CAP']} kernels x {KERNEL_MIB} MiB + the worker do not fit the {limit:.0f} MiB limit")
    assert container["resources"]["requests"]["memory"] == container["resources"]["limits"]["memory"], (
        "memory request = limit, so a busy node never evicts a pod full of students")


def test_ingress_keeps_a_page_on_its_pod():
    notes = _kind("Ingress")["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600  # websockets


def test_autoscaler_targets_the_deployment():
    hpa = _kind("HorizontalPodAutoscaler")["spec"]
    assert hpa["scaleTargetRef"]["name"] == _kind("Deployment")["metadata"]["name"]
    assert hpa["behavior"]["scaleDown"]["stabilizationWindowSeconds"] >= 600  # scaling down ends sessions


def test_dockerfile_copies_what_exists_and_runs_the_launcher():
    text = (DEPLOY / "Dockerfile").read_text()
    root = DEPLOY.parent
    for line in re.findall(r"^COPY (.+)$", text, re.M):
        *sources, _dest = line.split()
        for src in sources:
            assert (root / src).exists(), f"Dockerfile copies {src}, which is not in the repository"
    assert '"stepguide.serve.workshop"' in text


def test_the_pod_believes_its_ingress_about_the_device():
    """The pod limits pages per device address; behind the Ingress that address comes from X-Forwarded-For,
    which the pod believes only from the networks TRUSTED_PROXIES names (else every visitor is one device)."""
    import ipaddress

    (container,) = _kind("Deployment")["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    networks = [ipaddress.ip_network(n, strict=False) for n in env["TRUSTED_PROXIES"].split(",")]
    assert any(ipaddress.ip_address("10.244.1.7") in n for n in networks), "a common pod network is trusted"
