// Self-test of the validator harness: known-good objects pass, known-bad ones fail,
// with the package validators alone and together with the reference schemas.
// Run: node --test tests/schema/   (reference dir: $CORRINO_REFERENCE or ../shared/reference)
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { hasReference, validateObjects } from "./lib.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const REFERENCE = process.env.CORRINO_REFERENCE ?? join(here, "../../../shared/reference");
const labels = { "app.kubernetes.io/name": "llama" };

const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "llama", labels },
  spec: {
    replicas: 1,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        containers: [
          {
            name: "vllm",
            image: "vllm/vllm-openai:v0.11.0",
            args: ["--model", "/models/llama", "--port", "8000"],
            ports: [{ name: "http", containerPort: 8000, protocol: "TCP" }],
            resources: { limits: { "nvidia.com/gpu": "1" }, requests: { "nvidia.com/gpu": "1", memory: "64Gi" } },
            volumeMounts: [{ name: "dshm", mountPath: "/dev/shm" }],
            startupProbe: { httpGet: { path: "/health", port: 8000 }, periodSeconds: 10, failureThreshold: 60 },
            livenessProbe: { httpGet: { path: "/health", port: "http" }, periodSeconds: 10 },
            readinessProbe: { httpGet: { path: "/health", port: 8000 }, initialDelaySeconds: 5 },
          },
        ],
        tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
        nodeSelector: { "node.kubernetes.io/instance-type": "VM.GPU.A10.2" },
        volumes: [{ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "10000Mi" } }],
      },
    },
  },
};

const service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "llama", labels },
  spec: { type: "ClusterIP", selector: labels, ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] },
};

const ingress = {
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name: "llama", annotations: { "cert-manager.io/cluster-issuer": "letsencrypt" } },
  spec: {
    ingressClassName: "nginx",
    tls: [{ hosts: ["llama.example.com"], secretName: "llama-tls" }],
    rules: [
      {
        host: "llama.example.com",
        http: {
          paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "llama", port: { number: 80 } } } }],
        },
      },
    ],
  },
};

const scaledObject = {
  apiVersion: "keda.sh/v1alpha1",
  kind: "ScaledObject",
  metadata: { name: "llama", labels },
  spec: {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "llama" },
    pollingInterval: 15,
    cooldownPeriod: 300,
    minReplicaCount: 1,
    maxReplicaCount: 4,
    advanced: {
      horizontalPodAutoscalerConfig: {
        behavior: {
          scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] },
          scaleDown: {
            stabilizationWindowSeconds: 300,
            selectPolicy: "Max",
            policies: [{ type: "Pods", value: 1, periodSeconds: 120 }],
          },
        },
      },
    },
    triggers: [
      {
        type: "prometheus",
        metricType: "AverageValue",
        metadata: {
          serverAddress: "http://prometheus-operated.monitoring:9090",
          query: 'sum(vllm:num_requests_waiting{model_name="llama"})',
          threshold: "5",
        },
      },
    ],
  },
};

const podMonitor = {
  apiVersion: "monitoring.coreos.com/v1",
  kind: "PodMonitor",
  metadata: { name: "llama", labels: { release: "prometheus" } },
  spec: {
    selector: { matchLabels: labels },
    podMetricsEndpoints: [{ port: "http", path: "/metrics", interval: "15s" }],
  },
};

const serviceMonitor = {
  apiVersion: "monitoring.coreos.com/v1",
  kind: "ServiceMonitor",
  metadata: { name: "llama" },
  spec: { selector: { matchLabels: labels }, endpoints: [{ port: "http", path: "/metrics", interval: "15s" }] },
};

const GOOD = [deployment, service, ingress, scaledObject, podMonitor, serviceMonitor];

// A deep copy of `obj` changed by `edit`.
const changed = (obj, edit) => {
  const copy = structuredClone(obj);
  edit(copy);
  return copy;
};
const container = (d) => d.spec.template.spec.containers[0];

// [what, object, expected path in an error, caught without the reference schemas?]
const BAD = [
  ["misspelled container field", changed(deployment, (d) => { container(d).resorces = container(d).resources; }), "/spec/template/spec/containers/0/resorces", false],
  ["misspelled ScaledObject field", changed(scaledObject, (s) => { s.spec.pollingIntervall = 15; }), "/spec/pollingIntervall", false],
  ["misspelled PodMonitor field", changed(podMonitor, (p) => { p.spec.podMetricsEndpoint = p.spec.podMetricsEndpoints; }), "/spec/podMetricsEndpoint", false],
  ["string replicas", changed(deployment, (d) => { d.spec.replicas = "2"; }), "/spec/replicas", true],
  ["string Service port", changed(service, (s) => { s.spec.ports[0].port = "80"; }), "/spec/ports/0/port", true],
  ["Ingress path without pathType", changed(ingress, (i) => { delete i.spec.rules[0].http.paths[0].pathType; }), "/spec/rules/0/http/paths/0", true],
  ["string pollingInterval", changed(scaledObject, (s) => { s.spec.pollingInterval = "15"; }), "/spec/pollingInterval", true],
  ["trigger without metadata", changed(scaledObject, (s) => { delete s.spec.triggers[0].metadata; }), "/spec/triggers/0", true],
  ["string policy value", changed(scaledObject, (s) => { s.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleUp.policies[0].value = "1"; }), "/spec/advanced/horizontalPodAutoscalerConfig/behavior/scaleUp/policies/0/value", true],
  ["PodMonitor without selector", changed(podMonitor, (p) => { delete p.spec.selector; }), "/spec", true],
  ["unknown kind", { apiVersion: "keda.sh/v1alpha1", kind: "ScaledJob", metadata: { name: "x" }, spec: {} }, "/", true],
  ["unknown apiVersion", changed(deployment, (d) => { d.apiVersion = "apps/v1beta1"; }), "/", true],
  ["missing name", changed(service, (s) => { delete s.metadata.name; }), "/metadata/name", true],
];

const modes = [
  ["packages only", {}, false],
  ["with reference", { reference: REFERENCE }, !hasReference(REFERENCE) && `no reference schemas at ${REFERENCE}`],
];

for (const [mode, options, skip] of modes) {
  describe(`validateObjects, ${mode}`, { skip }, () => {
    test("good objects pass", () => {
      for (const result of validateObjects(GOOD, options)) assert.deepEqual(result.errors, [], result.name);
    });
    for (const [what, obj, path, caughtByPackages] of BAD) {
      if (!options.reference && !caughtByPackages) {
        test(`${what}: NOT caught (kubernetes-models allows unknown fields)`, () => {
          assert.deepEqual(validateObjects([obj], options)[0].errors, []);
        });
        continue;
      }
      test(`${what} fails`, () => {
        const [{ errors }] = validateObjects([obj], options);
        assert.ok(errors.some((e) => e.startsWith(`${path}: `)), `no error at ${path}: ${JSON.stringify(errors)}`);
      });
    }
  });
}

test("reference: ObjectMeta and CRD list rules are strict", { skip: modes[1][2] }, () => {
  const typo = changed(podMonitor, (p) => { p.metadata.label = p.metadata.labels; });
  const twice = changed(podMonitor, (p) => { p.spec.scrapeProtocols = ["PrometheusText0.0.4", "PrometheusText0.0.4"]; });
  const [first, second] = validateObjects([typo, twice], { reference: REFERENCE });
  assert.deepEqual(first.errors, ["/metadata/label: unknown field [CRD monitoring.coreos.com_podmonitors.yaml]"]);
  assert.ok(second.errors.some((e) => e.startsWith("/spec/scrapeProtocols: must NOT have duplicate items")), second.errors);
});

describe("validate.mjs", () => {
  const dir = mkdtempSync(join(tmpdir(), "corrino-schema-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name, objects) => {
    const file = join(dir, name);
    writeFileSync(file, objects.map((o) => YAML.stringify(o)).join("---\n"));
    return file;
  };
  const run = (...args) => spawnSync(process.execPath, [join(here, "validate.mjs"), ...args], { encoding: "utf8" });
  const good = write("good.yaml", GOOD);
  const bad = write("bad.yaml", [service, BAD[3][1], BAD[6][1], BAD[10][1]]);

  for (const [mode, options, skip] of modes) {
    const ref = options.reference ? ["--reference", options.reference] : [];
    test(`good stream passes, ${mode}`, { skip }, () => {
      const out = execFileSync(process.execPath, [join(here, "validate.mjs"), ...ref, good], { encoding: "utf8" });
      assert.equal(out, GOOD.map((o) => `ok ${o.kind}/${o.metadata.name}\n`).join(""));
    });
    test(`bad stream fails with every error, ${mode}`, { skip }, () => {
      const { status, stdout } = run(...ref, bad);
      assert.equal(status, 1);
      const lines = stdout.trim().split("\n");
      assert.equal(lines[0], "ok Service/llama");
      for (const prefix of ["FAIL Deployment/llama: /spec/replicas: ", "FAIL ScaledObject/llama: /spec/pollingInterval: ", "FAIL ScaledJob/x: /: unknown"]) {
        assert.ok(lines.some((l) => l.startsWith(prefix)), `${prefix} missing in:\n${stdout}`);
      }
      assert.deepEqual(run(...ref, bad).stdout, stdout, "output is deterministic");
    });
  }

  test("a directory stands for its YAML files; YAML errors fail", () => {
    write("broken.yaml", []);
    writeFileSync(join(dir, "broken.yaml"), "kind: [unclosed\n");
    const { status, stdout } = run(dir);
    assert.equal(status, 1);
    assert.match(stdout, /^FAIL .*broken\.yaml: /m);
    assert.match(stdout, /^ok PodMonitor\/llama$/m);
  });

  test("usage errors exit 2", () => {
    assert.equal(run().status, 2);
    assert.equal(run(join(dir, "missing.yaml")).status, 2);
  });
});
