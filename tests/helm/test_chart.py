"""The Helm chart in helm/jamaa, checked offline: no cluster, no helm binary, no network.

helm-python-sdk (`helm_python`, Helm's Go SDK behind a C ABI) lints and renders the chart, which also
applies values.schema.json; kubernetes-validate checks every rendered manifest against the OpenAPI
schemas of Kubernetes versions it ships, in strict mode (unknown fields are errors).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

CHART_DIR = Path(__file__).resolve().parents[2] / "helm" / "jamaa"
PRODUCTION_VALUES = CHART_DIR / "values-production.yaml"
RELEASE = "jamaa"
NAMESPACE = "jamaa"
BASE_DOMAIN = "communes.ma"
EXISTING_SECRET = "jamaa-env"
# The two values without a default: the rest comes from the chart's values.yaml.
REQUIRED_VALUES: dict[str, Any] = {"baseDomain": BASE_DOMAIN, "existingSecret": EXISTING_SECRET}
SECRET_KEYS = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SENTRY_DSN"}
# The oldest Kubernetes the chart is validated against, and the newest kubernetes-validate ships.
KUBERNETES_VERSIONS = ("1.31.0", kubernetes_validate.latest_version())

Manifest = dict[str, Any]


def render(values: dict[str, Any]) -> list[Manifest]:
    """Render the chart as `helm install` would (hooks included), parsed into manifests."""
    with helm.Chart.load(CHART_DIR) as chart:
        rendered = chart.render(values=values, name=RELEASE, namespace=NAMESPACE, is_install=True)
    manifests: list[Manifest] = []
    for path in sorted(rendered):
        if path.endswith((".yaml", ".yml")):
            manifests.extend(doc for doc in yaml.safe_load_all(rendered[path]) if doc)
    return manifests


def production_values() -> dict[str, Any]:
    values: dict[str, Any] = yaml.safe_load(PRODUCTION_VALUES.read_text())
    return values


def with_required(**overrides: Any) -> dict[str, Any]:
    return {**REQUIRED_VALUES, **overrides}


def find(manifests: list[Manifest], kind: str, name: str) -> Manifest:
    matches = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind} {name}, found {len(matches)}"
    return matches[0]


def kinds(manifests: list[Manifest]) -> list[tuple[str, str]]:
    return sorted((m["kind"], m["metadata"]["name"]) for m in manifests)


def pod_templates(manifests: list[Manifest]) -> Iterator[tuple[Manifest, Manifest]]:
    """(workload, pod spec) for every Deployment and Job."""
    for manifest in manifests:
        if manifest["kind"] in {"Deployment", "Job"}:
            yield manifest, manifest["spec"]["template"]["spec"]


def container(manifests: list[Manifest], kind: str, name: str) -> Manifest:
    containers: list[Manifest] = find(manifests, kind, name)["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def env_of(spec: Manifest) -> dict[str, Manifest]:
    return {entry["name"]: entry for entry in spec.get("env", [])}


@pytest.fixture(scope="module")
def default_manifests() -> list[Manifest]:
    return render(REQUIRED_VALUES)


@pytest.fixture(scope="module")
def production_manifests() -> list[Manifest]:
    return render(production_values())


@pytest.fixture(params=["default", "production"])
def any_manifests(
    request: pytest.FixtureRequest, default_manifests: list[Manifest], production_manifests: list[Manifest]
) -> list[Manifest]:
    return default_manifests if request.param == "default" else production_manifests


# --- lint and schema validation ------------------------------------------------------------------


@pytest.mark.parametrize("values_name", ["default", "production"])
def test_chart_lints_clean(values_name: str) -> None:
    values = REQUIRED_VALUES if values_name == "default" else production_values()
    report = helm.lint(CHART_DIR, values, strict=True, kube_version=f"v{KUBERNETES_VERSIONS[0]}")
    assert report["errors"] == []
    problems = [m for m in report["messages"] if m["severity"] >= 2]  # 2 = warning, 3 = error
    assert problems == []


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_validates_against_kubernetes(version: str, any_manifests: list[Manifest]) -> None:
    failures = []
    for manifest in any_manifests:
        where = f"{manifest['kind']}/{manifest['metadata']['name']}"
        try:
            kubernetes_validate.validate(manifest, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(part) for part in exc.path)
            failures.append(f"{where}: {path}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError as exc:  # an unknown kind must not pass silently
            failures.append(f"{where}: {exc.message}")
    assert failures == []


def test_the_validator_really_checks(default_manifests: list[Manifest]) -> None:
    broken = yaml.safe_load(yaml.safe_dump(find(default_manifests, "Deployment", "jamaa-beat")))
    broken["spec"]["replicas"] = "one"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[-1], strict=True)
    broken = yaml.safe_load(yaml.safe_dump(find(default_manifests, "Deployment", "jamaa-beat")))
    broken["spec"]["template"]["spec"]["containers"][0]["readOnlyRootFileSystem"] = True  # misspelt
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[-1], strict=True)


@pytest.mark.parametrize(
    "bad_values",
    [
        pytest.param({"web": {"replicas": "three"}}, id="web.replicas-string"),
        pytest.param({"web": {"replicas": 0}}, id="web.replicas-zero"),
        pytest.param({"worker": {"replicas": 1.5}}, id="worker.replicas-float"),
        pytest.param({"worker": {"autoscaling": {"minReplicas": 0}}}, id="worker.minReplicas-zero"),
        pytest.param({"beat": {"replicas": 2}}, id="beat-has-no-replicas"),
        pytest.param({"baseDomain": "*.communes.ma"}, id="baseDomain-wildcard"),
        pytest.param({"baseDomain": "https://communes.ma"}, id="baseDomain-url"),
        pytest.param({"existingSecret": ""}, id="existingSecret-empty"),
        pytest.param({"ingress": {"tls": {"enabled": "yes"}}}, id="ingress.tls.enabled-string"),
        pytest.param({"ingress": {"certManager": {"enabled": True}}}, id="certManager-without-issuer"),
        pytest.param({"media": {"storage": "nfs"}}, id="media.storage-unknown"),
        pytest.param({"media": {"storage": "objectStorage"}}, id="objectStorage-without-bucket"),
        pytest.param({"config": {"extraEnv": {"SECRET_KEY": "inline"}}}, id="secret-in-extraEnv"),
        pytest.param({"securityContext": {"readOnlyRootFilesystem": False}}, id="writable-root"),
        pytest.param({"podSecurityContext": {"runAsNonRoot": False}}, id="root-pods"),
        pytest.param({"web": {"replica": 3}}, id="misspelt-key"),
    ],
)
def test_schema_refuses_bad_values(bad_values: dict[str, Any]) -> None:
    with pytest.raises(helm.HelmValuesError):
        render(with_required(**bad_values))


def test_lint_reports_a_wrong_type() -> None:
    report = helm.lint(CHART_DIR, with_required(web={"replicas": "three"}))
    assert any("/web/replicas" in error for error in report["errors"]), report


def test_base_domain_and_existing_secret_are_required() -> None:
    with pytest.raises(helm.HelmValuesError) as refused:
        render({})
    assert "/baseDomain" in str(refused.value)
    assert "/existingSecret" in str(refused.value)


def test_inconsistent_autoscaling_bounds_are_refused() -> None:
    with pytest.raises(helm.HelmRenderError, match="maxReplicas"):
        render(with_required(web={"autoscaling": {"minReplicas": 5, "maxReplicas": 3}}))


# --- what the chart deploys ----------------------------------------------------------------------


def test_default_release_objects(default_manifests: list[Manifest]) -> None:
    assert kinds(default_manifests) == [
        ("ConfigMap", "jamaa-config"),
        ("Deployment", "jamaa-beat"),
        ("Deployment", "jamaa-web"),
        ("Deployment", "jamaa-worker"),
        ("HorizontalPodAutoscaler", "jamaa-web"),
        ("HorizontalPodAutoscaler", "jamaa-worker"),
        ("Ingress", "jamaa"),
        ("Job", "jamaa-migrate"),
        ("NetworkPolicy", "jamaa-background"),
        ("NetworkPolicy", "jamaa-web"),
        ("PersistentVolumeClaim", "jamaa-media"),
        ("PodDisruptionBudget", "jamaa-web"),
        ("PodDisruptionBudget", "jamaa-worker"),
        ("Service", "jamaa-web"),
        ("ServiceAccount", "jamaa"),
    ]


def test_processes_run_the_jamaa_commands(any_manifests: list[Manifest]) -> None:
    web = container(any_manifests, "Deployment", "jamaa-web")
    script = " ".join(web["command"] + web["args"])
    assert "exec gunicorn jamaa.platform.wsgi:application" in script
    assert "--bind 0.0.0.0:8000" in script
    assert env_of(web)["PROMETHEUS_MULTIPROC_DIR"]["value"].startswith("/tmp/")
    assert container(any_manifests, "Deployment", "jamaa-worker")["command"] == ["jamaa", "worker"]
    assert container(any_manifests, "Deployment", "jamaa-beat")["command"] == ["jamaa", "beat"]


def test_migration_job_is_a_hook_before_install_and_upgrade(any_manifests: list[Manifest]) -> None:
    job = find(any_manifests, "Job", "jamaa-migrate")
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"].split(",") == ["pre-install", "pre-upgrade"]
    assert int(annotations["helm.sh/hook-weight"]) <= 0
    assert set(annotations["helm.sh/hook-delete-policy"].split(",")) == {
        "before-hook-creation",
        "hook-succeeded",
    }
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    (migrate,) = pod["containers"]
    assert migrate["command"][:3] == ["jamaa", "fleet", "migrate"]
    (jobs,) = migrate["command"][3:]
    assert jobs.startswith("--jobs=") and int(jobs.removeprefix("--jobs=")) >= 1
    # Hooks are the only objects Helm creates before the Job: every other manifest is a later object.
    hooks = [m for m in any_manifests if "helm.sh/hook" in m["metadata"].get("annotations", {})]
    assert hooks == [job]


def test_migration_job_needs_nothing_the_release_creates_later(any_manifests: list[Manifest]) -> None:
    """On pre-install the ConfigMap, ServiceAccount and PVC do not exist yet; the Secret does."""
    job = find(any_manifests, "Job", "jamaa-migrate")
    pod = job["spec"]["template"]["spec"]
    released = {(m["kind"], m["metadata"]["name"]) for m in any_manifests if m is not job}
    assert ("ServiceAccount", pod.get("serviceAccountName", "default")) not in released
    assert all("persistentVolumeClaim" not in volume for volume in pod["volumes"])
    (migrate,) = pod["containers"]
    assert "envFrom" not in migrate
    assert all("configMapKeyRef" not in e.get("valueFrom", {}) for e in migrate["env"])
    # ...and it gets the very settings the ConfigMap gives the Deployments.
    config = find(any_manifests, "ConfigMap", "jamaa-config")["data"]
    plain = {e["name"]: e["value"] for e in migrate["env"] if "value" in e}
    assert plain == config
    assert {e["name"] for e in migrate["env"] if "valueFrom" in e} >= {"DATABASE_URL", "SECRET_KEY"}


def test_probes(any_manifests: list[Manifest]) -> None:
    web = container(any_manifests, "Deployment", "jamaa-web")
    assert web["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    assert web["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert web["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert web["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}


def test_every_pod_is_non_root_with_a_read_only_root_and_a_writable_tmp(any_manifests: list[Manifest]) -> None:
    pods = list(pod_templates(any_manifests))
    assert len(pods) == 4  # web, worker, beat, migrate
    for workload, pod in pods:
        name = workload["metadata"]["name"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] != 0, name
        assert pod["automountServiceAccountToken"] is False, name
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        for spec in pod["containers"]:
            security = spec["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, name
            assert security["allowPrivilegeEscalation"] is False, name
            assert security["capabilities"]["drop"] == ["ALL"], name
            assert "resources" in spec and spec["resources"]["requests"], name
            (tmp,) = [mount for mount in spec["volumeMounts"] if mount["mountPath"] == "/tmp"]
            assert "emptyDir" in volumes[tmp["name"]], name


def test_ingress_serves_the_console_and_every_commune(default_manifests: list[Manifest]) -> None:
    ingress = find(default_manifests, "Ingress", "jamaa")
    hosts = [rule["host"] for rule in ingress["spec"]["rules"]]
    assert hosts == [BASE_DOMAIN, f"*.{BASE_DOMAIN}"]
    assert ingress["spec"]["tls"] == [{"secretName": "jamaa-tls", "hosts": hosts}]
    service = find(default_manifests, "Service", "jamaa-web")
    for rule in ingress["spec"]["rules"]:
        (path,) = rule["http"]["paths"]
        assert path["path"] == "/" and path["pathType"] == "Prefix"
        assert path["backend"]["service"] == {"name": "jamaa-web", "port": {"name": "http"}}
    assert service["spec"]["ports"][0]["name"] == "http"
    assert "cert-manager.io/cluster-issuer" not in ingress["metadata"].get("annotations", {})


def test_ingress_in_production_uses_the_named_certificate_and_cert_manager(
    production_manifests: list[Manifest],
) -> None:
    ingress = find(production_manifests, "Ingress", "jamaa")
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert ingress["spec"]["tls"][0]["secretName"] == "communes-ma-wildcard-tls"
    assert ingress["spec"]["tls"][0]["hosts"] == ["communes.ma", "*.communes.ma"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["cert-manager.io/cluster-issuer"] == "letsencrypt-dns01"
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == "25m"


def test_namespaced_cert_manager_issuer() -> None:
    manifests = render(
        with_required(ingress={"certManager": {"enabled": True, "issuerKind": "Issuer", "issuerName": "letsencrypt"}})
    )
    annotations = find(manifests, "Ingress", "jamaa")["metadata"]["annotations"]
    assert annotations == {"cert-manager.io/issuer": "letsencrypt"}


def test_beat_is_a_single_pod_replaced_with_recreate(any_manifests: list[Manifest]) -> None:
    beat = find(any_manifests, "Deployment", "jamaa-beat")
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    scaled = {m["spec"]["scaleTargetRef"]["name"] for m in any_manifests if m["kind"] == "HorizontalPodAutoscaler"}
    assert scaled == {"jamaa-web", "jamaa-worker"}
    # Its schedule state lives on a writable volume, outside the read-only image.
    beat_container = container(any_manifests, "Deployment", "jamaa-beat")
    state_dir = env_of(beat_container)["JAMAA_VAR_DIR"]["value"]
    mounts = {mount["mountPath"] for mount in beat_container["volumeMounts"]}
    assert state_dir in mounts


def test_secrets_come_only_from_the_existing_secret(any_manifests: list[Manifest]) -> None:
    assert not [m for m in any_manifests if m["kind"] == "Secret"]
    config = find(any_manifests, "ConfigMap", "jamaa-config")["data"]
    assert not SECRET_KEYS & set(config)
    dumped = yaml.safe_dump_all(any_manifests)
    assert "postgresql://" not in dumped and "redis://" not in dumped
    for _, pod in pod_templates(any_manifests):
        for spec in pod["containers"]:
            env = env_of(spec)
            assert SECRET_KEYS <= set(env)
            for key in SECRET_KEYS:
                assert "value" not in env[key]
                ref = env[key]["valueFrom"]["secretKeyRef"]
                assert ref["name"] == EXISTING_SECRET and ref["key"] == key
                assert ref.get("optional", False) is (key == "SENTRY_DSN")


def test_deployments_read_the_config_map_and_roll_when_it_changes(default_manifests: list[Manifest]) -> None:
    checksums = set()
    for name in ("jamaa-web", "jamaa-worker", "jamaa-beat"):
        deployment = find(default_manifests, "Deployment", name)
        spec = deployment["spec"]["template"]["spec"]["containers"][0]
        assert spec["envFrom"] == [{"configMapRef": {"name": "jamaa-config"}}]
        checksums.add(deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"])
    assert len(checksums) == 1
    changed = render(with_required(config={"logLevel": "DEBUG"}))
    annotations = find(changed, "Deployment", "jamaa-web")["spec"]["template"]["metadata"]["annotations"]
    assert annotations["checksum/config"] not in checksums


def test_autoscalers_own_the_replica_counts(any_manifests: list[Manifest]) -> None:
    for name in ("jamaa-web", "jamaa-worker"):
        hpa = find(any_manifests, "HorizontalPodAutoscaler", name)
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        # No replicas in the Deployment, or every upgrade would undo the autoscaler's choice.
        assert "replicas" not in find(any_manifests, "Deployment", name)["spec"]
        pdb = find(any_manifests, "PodDisruptionBudget", name)
        assert pdb["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] == name.split("-")[1]


def test_fixed_replicas_without_autoscaling() -> None:
    manifests = render(
        with_required(
            web={"replicas": 3, "autoscaling": {"enabled": False}},
            worker={"replicas": 2, "autoscaling": {"enabled": False}},
        )
    )
    assert not [m for m in manifests if m["kind"] == "HorizontalPodAutoscaler"]
    assert find(manifests, "Deployment", "jamaa-web")["spec"]["replicas"] == 3
    assert find(manifests, "Deployment", "jamaa-worker")["spec"]["replicas"] == 2


def test_media_on_a_persistent_volume(default_manifests: list[Manifest]) -> None:
    claim = find(default_manifests, "PersistentVolumeClaim", "jamaa-media")
    assert claim["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    media_root = find(default_manifests, "ConfigMap", "jamaa-config")["data"]["JAMAA_MEDIA_ROOT"]
    for name in ("jamaa-web", "jamaa-worker"):
        pod = find(default_manifests, "Deployment", name)["spec"]["template"]["spec"]
        (media,) = [v for v in pod["volumes"] if "persistentVolumeClaim" in v]
        assert media["persistentVolumeClaim"]["claimName"] == "jamaa-media"
        mounts = {m["name"]: m["mountPath"] for m in pod["containers"][0]["volumeMounts"]}
        assert mounts[media["name"]] == media_root


def test_media_on_an_existing_claim() -> None:
    manifests = render(with_required(media={"persistentVolume": {"existingClaim": "communes-media"}}))
    assert not [m for m in manifests if m["kind"] == "PersistentVolumeClaim"]
    pod = find(manifests, "Deployment", "jamaa-web")["spec"]["template"]["spec"]
    assert {"name": "media", "persistentVolumeClaim": {"claimName": "communes-media"}} in pod["volumes"]


def test_media_on_object_storage() -> None:
    manifests = render(
        with_required(
            media={
                "storage": "objectStorage",
                "objectStorage": {"bucket": "jamaa-media", "endpointUrl": "https://s3.example.org"},
            }
        )
    )
    assert not [m for m in manifests if m["kind"] == "PersistentVolumeClaim"]
    config = find(manifests, "ConfigMap", "jamaa-config")["data"]
    assert config["JAMAA_MEDIA_STORAGE"] == "s3"
    assert config["JAMAA_MEDIA_BUCKET"] == "jamaa-media"
    assert config["JAMAA_MEDIA_ENDPOINT_URL"] == "https://s3.example.org"
    assert "JAMAA_MEDIA_ROOT" not in config
    for _, pod in pod_templates(manifests):
        assert all("persistentVolumeClaim" not in volume for volume in pod["volumes"])
        env = env_of(pod["containers"][0])
        ref = env["AWS_SECRET_ACCESS_KEY"]["valueFrom"]["secretKeyRef"]
        assert ref == {"name": EXISTING_SECRET, "key": "AWS_SECRET_ACCESS_KEY", "optional": True}


def test_network_policies(any_manifests: list[Manifest]) -> None:
    web = find(any_manifests, "NetworkPolicy", "jamaa-web")["spec"]
    assert web["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "web"
    (rule,) = web["ingress"]
    assert rule["ports"] == [{"port": "http", "protocol": "TCP"}]
    assert rule["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] == "ingress-nginx"
    background = find(any_manifests, "NetworkPolicy", "jamaa-background")["spec"]
    (expression,) = background["podSelector"]["matchExpressions"]
    assert expression["values"] == ["worker", "beat", "migrate"]
    assert "ingress" not in background and "Ingress" in background["policyTypes"]


def test_production_restricts_egress_to_dns_and_the_listed_services(production_manifests: list[Manifest]) -> None:
    for name in ("jamaa-web", "jamaa-background"):
        policy = find(production_manifests, "NetworkPolicy", name)["spec"]
        assert "Egress" in policy["policyTypes"]
        dns, *rest = policy["egress"]
        assert {p["port"] for p in dns["ports"]} == {53}
        assert {p["port"] for rule in rest for p in rule["ports"]} == {5432, 6379, 443}


def test_metrics_token_reaches_the_pods_and_the_service_monitor_scrapes_with_it() -> None:
    # /metrics answers only with the bearer token (absent: 404), read from the existing Secret when it has it
    manifests = render(with_required(metrics={"serviceMonitor": {"enabled": True, "labels": {"release": "prom"}}}))
    web = env_of(container(manifests, "Deployment", "jamaa-web"))
    ref = web["JAMAA_METRICS_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert ref == {"name": EXISTING_SECRET, "key": "JAMAA_METRICS_TOKEN", "optional": True}
    monitor = find(manifests, "ServiceMonitor", "jamaa-web")
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["metadata"]["labels"]["release"] == "prom"
    service = find(manifests, "Service", "jamaa-web")
    assert monitor["spec"]["selector"]["matchLabels"] == service["spec"]["selector"]
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == "http" and endpoint["path"] == "/metrics"
    assert endpoint["bearerTokenSecret"] == {"name": EXISTING_SECRET, "key": "JAMAA_METRICS_TOKEN"}
    # off by default: no CRD is needed to install the chart
    assert not [m for m in render(with_required()) if m["kind"] == "ServiceMonitor"]


def test_two_database_roles_migrations_as_owner_processes_as_the_application() -> None:
    # given the production values: the application role is named, the owner's URL is in the Secret
    manifests = render(production_values())
    job = find(manifests, "Job", "jamaa-migrate")["spec"]["template"]["spec"]
    # then the Job first creates and grants the application role, as the owner, then migrates as the owner
    (roles,) = job["initContainers"]
    assert roles["command"] == ["jamaa", "db", "roles", "--app-role", "jamaa_app"]
    for spec in (roles, job["containers"][0]):
        owner = env_of(spec)["DATABASE_OWNER_URL"]["valueFrom"]["secretKeyRef"]
        assert owner == {"name": "jamaa-env", "key": "DATABASE_OWNER_URL", "optional": True}
        assert spec["securityContext"]["readOnlyRootFilesystem"] is True
    password = env_of(roles)["JAMAA_APP_DB_PASSWORD"]["valueFrom"]["secretKeyRef"]
    assert password == {"name": "jamaa-env", "key": "APP_DB_PASSWORD", "optional": True}
    # and the long-running processes connect with DATABASE_URL (the application role); web and worker also
    # know the owner's URL for provisioning only, beat never
    for name in ("jamaa-web", "jamaa-worker", "jamaa-beat"):
        env = env_of(container(manifests, "Deployment", name))
        assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["key"] == "DATABASE_URL"
        assert ("DATABASE_OWNER_URL" in env) is (name != "jamaa-beat")


def test_the_owner_url_can_stay_in_the_migration_job_only() -> None:
    manifests = render(with_required(database={"appRole": "jamaa_app", "ownerUrlInWorkloads": False}))
    for name in ("jamaa-web", "jamaa-worker", "jamaa-beat"):
        assert "DATABASE_OWNER_URL" not in env_of(container(manifests, "Deployment", name))
    assert "DATABASE_OWNER_URL" in env_of(container(manifests, "Job", "jamaa-migrate"))
    # without an application role named, the Job does not touch roles
    assert "initContainers" not in find(render(with_required()), "Job", "jamaa-migrate")["spec"]["template"]["spec"]


def test_the_application_role_name_is_checked() -> None:
    with pytest.raises(Exception, match="appRole"):
        render(with_required(database={"appRole": "Robert'); DROP"}))


def test_citus_values_reach_only_the_external_coordinator() -> None:
    """helm/jamaa/values-citus.yaml over the production values (docs/scale.md): lints clean, no spare schemas, and
    the pods' database egress goes to the Citus coordinator's pods only."""

    def merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:  # as helm merges `-f a -f b`
        out = dict(base)
        for key, value in over.items():
            out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
        return out

    values = merged(production_values(), yaml.safe_load((CHART_DIR / "values-citus.yaml").read_text()))
    report = helm.lint(CHART_DIR, values, strict=True, kube_version=f"v{KUBERNETES_VERSIONS[0]}")
    assert report["errors"] == [] and [m for m in report["messages"] if m["severity"] >= 2] == []
    manifests = render(values)
    config = [m for m in manifests if m["kind"] == "ConfigMap"]
    assert any(m.get("data", {}).get("JAMAA_SPARE_SCHEMAS") == "0" for m in config)
    policies = [m for m in manifests if m["kind"] == "NetworkPolicy"]
    database_peers = [
        peer
        for policy in policies
        for rule in policy["spec"].get("egress", [])
        if any(p.get("port") == 5432 for p in rule.get("ports", []))
        for peer in rule["to"]
    ]
    assert database_peers and all(
        peer.get("podSelector", {}).get("matchLabels") == {"app.kubernetes.io/name": "citus-coordinator"}
        for peer in database_peers
    )
