// Validates rendered Kubernetes objects against real schemas:
//  1. always: the validators shipped by the npm packages kubernetes-models,
//     @kubernetes-models/keda and @kubernetes-models/prometheus-operator;
//  2. with a reference directory: the strict Kubernetes 1.37 JSON Schemas and
//     the exact KEDA, Prometheus Operator, LeaderWorkerSet and Kueue CRDs kept in
//     ../shared/reference. LeaderWorkerSet and Kueue ship no npm validator: their
//     objects are checked against the CRDs only, and need the reference.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import YAML from "yaml";
import { Deployment } from "kubernetes-models/apps/v1";
import { Job } from "kubernetes-models/batch/v1";
import { Namespace, Node, PersistentVolume, PersistentVolumeClaim, Service } from "kubernetes-models/v1";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { PodMonitor, ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";

const K8S_SCHEMAS = "kubernetes-jsonschema/v1.37.0-local-strict";
const K8S_BASE = "https://kubernetes.io/api/";
const OBJECT_META = `${K8S_BASE}_definitions.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

// "apiVersion kind" -> package model, and the reference schema: a file in K8S_SCHEMAS or a CRD file.
export const KINDS = {
  "apps/v1 Deployment": { model: Deployment, k8s: "deployment-apps-v1.json" },
  "v1 Service": { model: Service, k8s: "service-v1.json" },
  "v1 PersistentVolumeClaim": { model: PersistentVolumeClaim, k8s: "persistentvolumeclaim-v1.json" },
  // No per-kind file ships for PersistentVolume: its strict definition is referenced directly.
  "v1 PersistentVolume": { model: PersistentVolume, def: "io.k8s.api.core.v1.PersistentVolume" },
  "networking.k8s.io/v1 Ingress": { model: Ingress, k8s: "ingress-networking-v1.json" },
  "batch/v1 Job": { model: Job, k8s: "job-batch-v1.json" },
  "v1 Namespace": { model: Namespace, k8s: "namespace-v1.json" },
  "v1 Node": { model: Node, k8s: "node-v1.json" },
  "leaderworkerset.x-k8s.io/v1 LeaderWorkerSet": { crd: "lws/leaderworkerset.x-k8s.io_leaderworkersets.yaml" },
  "kueue.x-k8s.io/v1beta2 ResourceFlavor": { crd: "kueue/kueue.x-k8s.io_resourceflavors.yaml" },
  "kueue.x-k8s.io/v1beta2 Cohort": { crd: "kueue/kueue.x-k8s.io_cohorts.yaml" },
  "kueue.x-k8s.io/v1beta2 ClusterQueue": { crd: "kueue/kueue.x-k8s.io_clusterqueues.yaml" },
  "kueue.x-k8s.io/v1beta2 LocalQueue": { crd: "kueue/kueue.x-k8s.io_localqueues.yaml" },
  "kueue.x-k8s.io/v1beta2 WorkloadPriorityClass": { crd: "kueue/kueue.x-k8s.io_workloadpriorityclasses.yaml" },
  "keda.sh/v1alpha1 ScaledObject": { model: ScaledObject, crd: "keda/keda.sh_scaledobjects.yaml" },
  "monitoring.coreos.com/v1 PodMonitor": {
    model: PodMonitor,
    crd: "prometheus-operator/monitoring.coreos.com_podmonitors.yaml",
  },
  "monitoring.coreos.com/v1 ServiceMonitor": {
    model: ServiceMonitor,
    crd: "prometheus-operator/monitoring.coreos.com_servicemonitors.yaml",
  },
};

/** "/spec/x: message" lines from ajv errors, in the validator's order, without repeats. */
function describe(errors, source) {
  const lines = (errors ?? []).map((e) => {
    let path = e.instancePath;
    let message = e.message;
    if (e.keyword === "additionalProperties") {
      path += `/${String(e.params.additionalProperty).replaceAll("~", "~0").replaceAll("/", "~1")}`;
      message = "unknown field";
    } else if (e.keyword === "enum") {
      message += ` (${e.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")})`;
    }
    return `${path || "/"}: ${message} [${source}]`;
  });
  return [...new Set(lines)];
}

function checkModel(entry, obj) {
  if (!entry.model) return [];
  try {
    new entry.model(obj).validate();
    return [];
  } catch (e) {
    return e.errors ? describe(e.errors, "kubernetes-models") : [`/: ${e.message} [kubernetes-models]`];
  }
}

// A CRD's openAPIV3Schema is a structural schema: the API server prunes unknown fields, so a
// misspelled field would silently vanish. Turn it into a JSON Schema that rejects them.
function structural(s) {
  if (Array.isArray(s)) return s.map(structural);
  if (s === null || typeof s !== "object") return s;
  const out = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === "properties") {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, structural(v)]));
    } else if (["default", "enum", "example", "x-kubernetes-validations"].includes(key)) {
      out[key] = value; // data, not schemas
    } else {
      out[key] = structural(value);
    }
  }
  if (s["x-kubernetes-int-or-string"] && !s.type && !s.anyOf) {
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (s["x-kubernetes-embedded-resource"]) {
    out.properties = { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, ...out.properties };
  }
  if (out.properties && out.additionalProperties === undefined && !s["x-kubernetes-preserve-unknown-fields"]) {
    out.additionalProperties = false;
  }
  if (s["x-kubernetes-list-type"] === "set") out.uniqueItems = true;
  if (s["x-kubernetes-list-type"] === "map") out.listMapKeys = s["x-kubernetes-list-map-keys"];
  return out;
}

function crdSchema(file, apiVersion, kind) {
  const crd = YAML.parse(readFileSync(file, "utf8"));
  const [group, version] = apiVersion.split("/");
  const served = crd.spec.versions.find((v) => v.name === version && v.served);
  if (crd.spec.group !== group || crd.spec.names.kind !== kind || !served) {
    throw new Error(`${file} does not serve ${apiVersion} ${kind}`);
  }
  const schema = structural(served.schema.openAPIV3Schema);
  // The API server validates metadata as ObjectMeta for every kind; use the strict 1.37 definition.
  schema.properties.metadata = { $ref: OBJECT_META };
  return schema;
}

const references = new Map();

/** Compiled validators of a reference directory, one per kind, built on first use. */
function reference(dir) {
  if (references.has(dir)) return references.get(dir);
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addKeyword({
    keyword: "listMapKeys", // x-kubernetes-list-type: map — items must be unique by these keys
    type: "array",
    validate: (keys, items) =>
      new Set(items.map((item) => JSON.stringify(keys.map((k) => item?.[k])))).size === items.length,
    error: { message: "duplicate entries for the list map keys" },
  });
  ajv.addSchema(JSON.parse(readFileSync(join(dir, K8S_SCHEMAS, "_definitions.json"), "utf8")));
  const compiled = new Map();
  const validatorFor = (key) => {
    if (!compiled.has(key)) {
      const entry = KINDS[key];
      const [apiVersion, kind] = key.split(" ");
      const schema = entry.k8s
        ? { ...JSON.parse(readFileSync(join(dir, K8S_SCHEMAS, entry.k8s), "utf8")), $id: K8S_BASE + entry.k8s }
        : entry.def
          ? { $ref: `${K8S_BASE}_definitions.json#/$defs/${entry.def}` }
          : crdSchema(join(dir, entry.crd), apiVersion, kind);
      const source = entry.crd ? `CRD ${entry.crd.split("/").pop()}` : "kubernetes 1.37 schema";
      compiled.set(key, { validate: ajv.compile(schema), source });
    }
    return compiled.get(key);
  };
  references.set(dir, validatorFor);
  return validatorFor;
}

/** Whether DIR looks like a usable reference directory. */
export function hasReference(dir) {
  return Boolean(dir) && existsSync(join(dir, K8S_SCHEMAS, "_definitions.json"));
}

/**
 * Validates plain objects. Returns [{ name: "Kind/name", errors: ["/path: message [source]", ...], skipped? }]
 * in input order. `reference` is used only when hasReference(reference); without it, kinds that only a CRD
 * describes are `skipped` (with the reason).
 */
export function validateObjects(objects, { reference: dir } = {}) {
  const ref = hasReference(dir) ? reference(dir) : null;
  return objects.map((obj) => {
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
      return { name: "?/?", errors: ["/: not an object"] };
    }
    const name = `${obj.kind ?? "?"}/${obj.metadata?.name ?? "?"}`;
    const key = `${obj.apiVersion} ${obj.kind}`;
    if (!Object.hasOwn(KINDS, key)) {
      return { name, errors: [`/: unknown apiVersion/kind ${JSON.stringify(obj.apiVersion)} ${JSON.stringify(obj.kind)}`] };
    }
    const errors = [];
    if (typeof obj.metadata?.name !== "string" || obj.metadata.name === "") {
      errors.push("/metadata/name: must be a non-empty string");
    }
    errors.push(...checkModel(KINDS[key], obj));
    if (!ref && !KINDS[key].model) {
      return { name, errors, skipped: `no npm package validates ${key}, and the reference CRDs are not here` };
    }
    if (ref) {
      const { validate, source } = ref(key);
      if (!validate(obj)) errors.push(...describe(validate.errors, source));
    }
    return { name, errors };
  });
}

/** Reads the objects of multi-document YAML files; a directory stands for its *.yaml / *.yml files. */
export function readObjects(paths) {
  const files = paths.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(p, f))
      : [p],
  );
  const objects = [];
  const problems = [];
  for (const file of files) {
    for (const doc of YAML.parseAllDocuments(readFileSync(file, "utf8"))) {
      if (doc.errors.length > 0) {
        problems.push(...doc.errors.map((e) => `${file}: ${e.message.split("\n")[0]}`));
        continue;
      }
      const value = doc.toJS();
      if (value !== null) objects.push(value);
    }
  }
  return { objects, problems };
}
