//! Deployment groups: every member rendered as a recipe of its own, members before those that depend on them, with
//! the `${member.export}` references in their containers replaced by what the named member's objects give:
//!
//! - `internal_dns_name`: its Service's name in the cluster, `recipe-<name>.<namespace>.svc`;
//! - `service_url`: its Ingress host, `https://<name>.<base domain>` with a TLS issuer, `http://…` without.

use k8s_openapi::api::core::v1::Container;

use super::{Manifest, RenderOptions};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Pointer};
use crate::plan::Plan;
use crate::recipe::GroupDeployment;
use crate::recipe::reference::{EXPORTS, container_strings, references, substitute};

/// One member as the others see it.
struct Member<'a> {
    name: &'a str,
    manifests: Vec<Manifest>,
}

impl Member<'_> {
    fn export(&self, export: &str) -> Option<String> {
        self.manifests.iter().find_map(|m| match (m, export) {
            (Manifest::Service(s), "internal_dns_name") => Some(format!(
                "{}.{}.svc",
                s.metadata.name.as_deref()?,
                s.metadata.namespace.as_deref()?
            )),
            (Manifest::Ingress(i), "service_url") => {
                let spec = i.spec.as_ref()?;
                let host = spec.rules.as_ref()?.first()?.host.as_deref()?;
                let scheme = if spec.tls.is_some() { "https" } else { "http" };
                Some(format!("{scheme}://{host}"))
            }
            _ => None,
        })
    }
}

/// Renders a deployment group plan (one without errors).
pub(super) fn render(plan: &Plan, options: &RenderOptions) -> Result<Vec<Manifest>, Diagnostics> {
    let deployments = plan
        .recipe
        .deployment_group
        .as_ref()
        .and_then(|g| g.deployments.as_deref())
        .unwrap_or_default();
    let at = Pointer::root().key("deployment_group").key("deployments");
    let mut diagnostics = Diagnostics::new();
    // A plan without errors has a recipe and a plan for every member; stay total anyway.
    if deployments.len() != plan.members.len() || deployments.iter().any(|d| d.name.is_none()) {
        diagnostics.push(Diagnostic::error(
            &at,
            Code::RenderUnsupported,
            "every member of the group needs a name and a recipe",
        ));
        return Err(diagnostics);
    }
    let mut members = Vec::with_capacity(deployments.len());
    for i in dependency_order(deployments) {
        let here = at.index(i).key("recipe");
        match super::render(&plan.members[i], options) {
            Ok(manifests) => members.push(Member {
                name: deployments[i].name.as_deref().unwrap_or_default(),
                manifests,
            }),
            Err(problems) => {
                for d in problems {
                    // A problem of the render options (no path) is the same for every member: say it once.
                    if d.path.is_empty() {
                        if !diagnostics.iter().any(|known| *known == d) {
                            diagnostics.push(d);
                        }
                    } else {
                        diagnostics.push(d.with_outer_path(here.as_str()));
                    }
                }
            }
        }
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let exports: Vec<(&str, &str, String)> = members
        .iter()
        .flat_map(|m| {
            EXPORTS
                .iter()
                .filter_map(move |e| Some((m.name, *e, m.export(e)?)))
        })
        .collect();
    let value = |member: &str, export: &str| {
        exports
            .iter()
            .find(|(m, e, _)| *m == member && *e == export)
            .map(|(_, _, v)| v.clone())
    };
    // Validation saw to it that each reference names a service of the group and an export it lists; what is left
    // is a public URL without a base domain.
    for (i, deployment) in deployments.iter().enumerate() {
        let here = at.index(i).key("recipe");
        for (path, text) in deployment
            .recipe
            .as_ref()
            .map(container_strings)
            .unwrap_or_default()
        {
            for r in references(&text) {
                if value(r.member, r.export).is_none() {
                    let (code, why) = match r.export {
                        "service_url" => (
                            Code::RenderOption,
                            "it has no public host without a base domain (render option `base_domain`)",
                        ),
                        _ => (
                            Code::InvalidValue,
                            "it has no Service (a shared pool has none)",
                        ),
                    };
                    diagnostics.push(
                        Diagnostic::error(
                            &path,
                            code,
                            format!("`{}` cannot be resolved: {why}", &text[r.range.clone()]),
                        )
                        .with_outer_path(here.as_str()),
                    );
                }
            }
        }
    }
    let autoscalers = members
        .iter()
        .flat_map(|m| &m.manifests)
        .filter(|m| matches!(m, Manifest::ClusterAutoscaler(_)))
        .count();
    if autoscalers > 1 {
        diagnostics.push(Diagnostic::error(
            &at,
            Code::RenderUnsupported,
            format!("{autoscalers} members scale nodes, but a cluster has one Cluster Autoscaler add-on, and corrino writes its configuration for one recipe"),
        ).with_hint("render the members that scale nodes one by one and join their node groups in one add-on configuration"));
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let mut out = Vec::new();
    for member in members {
        for mut manifest in member.manifests {
            if let Manifest::Deployment(d) = &mut manifest
                && let Some(pod) = d.spec.template.spec.as_mut()
            {
                pod.containers.iter_mut().for_each(|c| resolve(c, &value));
            }
            out.push(manifest);
        }
    }
    Ok(out)
}

/// Replaces the references in a container's environment values, command and arguments.
fn resolve(container: &mut Container, value: &impl Fn(&str, &str) -> Option<String>) {
    let fix = |text: &mut String| {
        if text.contains("${") {
            *text = substitute(text, value);
        }
    };
    for var in container.env.iter_mut().flatten() {
        if let Some(text) = var.value.as_mut() {
            fix(text);
        }
    }
    for text in container
        .command
        .iter_mut()
        .flatten()
        .chain(container.args.iter_mut().flatten())
    {
        fix(text);
    }
}

/// The members' indices, each after those it depends on, otherwise in the group's order. Validation refuses
/// cycles; were there one, its members would follow in the group's order.
fn dependency_order(deployments: &[GroupDeployment]) -> Vec<usize> {
    let mut order: Vec<usize> = Vec::with_capacity(deployments.len());
    let ready = |i: usize, order: &[usize]| {
        deployments[i].depends_on.iter().flatten().all(|dep| {
            order
                .iter()
                .any(|&j| deployments[j].name.as_deref() == Some(dep.as_str()))
                || !deployments
                    .iter()
                    .any(|d| d.name.as_deref() == Some(dep.as_str()))
        })
    };
    while order.len() < deployments.len() {
        let next = (0..deployments.len())
            .find(|i| !order.contains(i) && ready(*i, &order))
            .or_else(|| (0..deployments.len()).find(|i| !order.contains(i)));
        order.extend(next);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{PlanOptions, plan_json};

    fn chat_group() -> serde_json::Value {
        serde_json::from_str(include_str!(
            "../../../fixtures/recipes/deployment-group-chat.json"
        ))
        .expect("the fixture")
    }

    fn render_group(
        group: &serde_json::Value,
        options: &RenderOptions,
    ) -> Result<Vec<Manifest>, Diagnostics> {
        let (plan, diagnostics) = plan_json(group, &PlanOptions::default());
        let plan = plan.expect("a plan");
        assert!(plan.is_renderable(), "{diagnostics}");
        super::super::render(&plan, options)
    }

    #[test]
    fn members_follow_what_they_depend_on_and_otherwise_keep_their_order() {
        let group: Vec<GroupDeployment> = serde_json::from_value(serde_json::json!([
            {"name": "ui", "depends_on": ["api"]},
            {"name": "db"},
            {"name": "api", "depends_on": ["db"]},
            {"name": "docs"}
        ]))
        .expect("members");
        assert_eq!(dependency_order(&group), [1, 2, 0, 3]);
    }

    #[test]
    fn a_service_url_needs_a_base_domain() {
        let problems =
            render_group(&chat_group(), &RenderOptions::default()).expect_err("no public host");
        let d = problems.iter().next().expect("one problem");
        assert_eq!(d.code, Code::RenderOption);
        assert_eq!(
            d.path,
            "/deployment_group/deployments/0/recipe/recipe_container_env/1/value"
        );
        assert!(d.message.contains("${chat_ui.service_url}"), "{d}");
        let options = RenderOptions {
            base_domain: Some("example.com".into()),
            ..RenderOptions::default()
        };
        let yaml = super::super::to_yaml(&render_group(&chat_group(), &options).expect("renders"))
            .expect("yaml");
        // Without a TLS issuer the Ingress serves plain HTTP, and so does the URL.
        assert!(
            yaml.contains("value: http://chat-ui.example.com\n"),
            "{yaml}"
        );
        assert!(!yaml.contains("${"), "{yaml}");
    }

    #[test]
    fn members_that_cannot_render_refuse_the_group_at_their_path() {
        let mut group = chat_group();
        group["deployment_group"]["deployments"][1]["recipe"] = serde_json::from_str(include_str!(
            "../../../fixtures/recipes/fine-tuning-job.json"
        ))
        .expect("the job fixture");
        // A job has no Service to reference.
        group["deployment_group"]["deployments"][0]["recipe"]["recipe_container_env"][0]["value"] =
            "http://vllm/v1".into();
        let problems = render_group(&group, &RenderOptions::default()).expect_err("refused");
        let paths: Vec<(&str, Code)> = problems.iter().map(|d| (d.path.as_str(), d.code)).collect();
        assert_eq!(
            paths,
            [(
                "/deployment_group/deployments/1/recipe/recipe_mode",
                Code::RenderUnsupported
            )]
        );
    }

    #[test]
    fn a_reference_to_a_shared_pool_is_refused_when_planning() {
        let mut group = chat_group();
        group["deployment_group"]["deployments"][1]["recipe"] = serde_json::from_str(include_str!(
            "../../../fixtures/recipes/shared-node-pool-a10.json"
        ))
        .expect("the pool fixture");
        let (_, diagnostics) = plan_json(&group, &PlanOptions::default());
        let errors: Vec<(&str, Code)> = diagnostics
            .iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .map(|d| (d.path.as_str(), d.code))
            .collect();
        assert_eq!(
            errors,
            [(
                "/deployment_group/deployments/0/recipe/recipe_container_env/0/value",
                Code::InvalidValue
            )]
        );
    }

    #[test]
    fn a_bad_render_option_is_said_once_for_the_group() {
        let options = RenderOptions {
            namespace: "Not_A_Namespace".into(),
            ..RenderOptions::default()
        };
        let problems = render_group(&chat_group(), &options).expect_err("bad namespace");
        let paths: Vec<(&str, Code)> = problems.iter().map(|d| (d.path.as_str(), d.code)).collect();
        assert_eq!(paths, [("", Code::RenderOption)]);
    }

    #[test]
    fn two_members_that_scale_nodes_are_refused() {
        let mut group = chat_group();
        let vllm = group["deployment_group"]["deployments"][1]["recipe"].clone();
        let mut second = vllm.clone();
        second["deployment_name"] = "vllm-b".into();
        group["deployment_group"]["deployments"][0]["recipe"] = second;
        let problems = render_group(&group, &RenderOptions::default()).expect_err("two add-ons");
        assert!(problems.contains(Code::RenderUnsupported), "{problems}");
        assert!(
            problems
                .iter()
                .any(|d| d.message.contains("2 members scale nodes"))
        );
    }
}
