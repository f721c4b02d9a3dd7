//! Deployment groups: every member rendered as a recipe of its own, members before those that depend on them, with
//! the `${member.export}` references in their containers replaced by what the named member's objects give:
//!
//! - `internal_dns_name`: its Service's name in the cluster, `recipe-<name>.<namespace>.svc`;
//! - `service_url`: its Ingress host, `https://<name>.<base domain>` with a TLS issuer, `http://…` without.

use k8s_openapi::api::core::v1::Container;

use super::{Manifest, RenderOptions};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Pointer};
use crate::plan::{GroupMember, GroupPlan, Plan};
use crate::recipe::reference::{Export, container_strings, references, substitute};

/// What one member gives the others: its exports, from its rendered objects.
fn export(manifests: &[Manifest], export: Export) -> Option<String> {
    manifests.iter().find_map(|m| match (m, export) {
        (Manifest::Service(s), Export::InternalDnsName) => Some(format!(
            "{}.{}.svc",
            s.metadata.name.as_deref()?,
            s.metadata.namespace.as_deref()?
        )),
        (Manifest::Ingress(i), Export::ServiceUrl) => {
            let spec = i.spec.as_ref()?;
            let host = spec.rules.as_ref()?.first()?.host.as_deref()?;
            let scheme = if spec.tls.is_some() { "https" } else { "http" };
            Some(format!("{scheme}://{host}"))
        }
        _ => None,
    })
}

/// The path of a member's recipe in the group.
fn member_path(member: &GroupMember) -> Pointer {
    Pointer::root()
        .key("deployment_group")
        .key("deployments")
        .index(member.index)
        .key("recipe")
}

/// The recipe of a member that has containers.
fn member_recipe(member: &GroupMember) -> Option<&crate::Recipe> {
    match &member.plan {
        Plan::Service(s) => Some(&s.workload.recipe),
        Plan::Job(j) => Some(&j.workload.recipe),
        _ => None,
    }
}

/// Renders a deployment group, its members in dependency order.
pub(super) fn render(
    group: &GroupPlan,
    options: &RenderOptions,
) -> Result<Vec<Manifest>, Diagnostics> {
    let at = Pointer::root().key("deployment_group").key("deployments");
    let mut diagnostics = Diagnostics::new();
    let mut rendered: Vec<(&GroupMember, Vec<Manifest>)> = Vec::with_capacity(group.members.len());
    for member in &group.members {
        match super::render_checked(&member.plan, options) {
            Ok(manifests) => rendered.push((member, manifests)),
            Err(problems) => {
                let here = member_path(member);
                for d in problems {
                    // A problem of the whole render (no path) is the same for every member: say it once.
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
    let exports: Vec<(&str, Export, String)> = rendered
        .iter()
        .flat_map(|(member, manifests)| {
            Export::ALL
                .iter()
                .filter_map(move |e| Some((member.name.as_str(), *e, export(manifests, *e)?)))
        })
        .collect();
    let value = |member: &str, wanted: &str| {
        let wanted = Export::parse(wanted)?;
        exports
            .iter()
            .find(|(m, e, _)| *m == member && *e == wanted)
            .map(|(_, _, v)| v.clone())
    };
    // Validation saw to it that each reference names a service of the group and an export it lists; what is left
    // is a public URL without a base domain.
    for member in &group.members {
        let Some(recipe) = member_recipe(member) else {
            continue;
        };
        for (path, text) in container_strings(recipe) {
            for r in references(&text) {
                if value(r.member, r.export).is_none() {
                    let (code, why) = match Export::parse(r.export) {
                        Some(Export::ServiceUrl) => (
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
                        .with_outer_path(member_path(member).as_str()),
                    );
                }
            }
        }
    }
    let autoscalers = rendered
        .iter()
        .flat_map(|(_, manifests)| manifests)
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
    for (_, manifests) in rendered {
        for mut manifest in manifests {
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
        let (plan, _) = plan_json(group, &PlanOptions::default())
            .into_plan()
            .unwrap_or_else(|d| panic!("{d}"));
        super::super::render(&plan, options)
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
        // File Storage needs its export from the render options.
        group["deployment_group"]["deployments"][1]["recipe"] = serde_json::from_str(include_str!(
            "../../../fixtures/recipes/deployment-with-secrets-and-storage.json"
        ))
        .expect("the storage fixture");
        group["deployment_group"]["deployments"][0]["recipe"]["recipe_container_env"][0]["value"] =
            "http://vllm/v1".into();
        let problems = render_group(&group, &RenderOptions::default()).expect_err("refused");
        let paths: Vec<(&str, Code)> = problems.iter().map(|d| (d.path.as_str(), d.code)).collect();
        assert_eq!(
            paths,
            [(
                "/deployment_group/deployments/1/recipe/input_file_system/0/file_system_ocid",
                Code::RenderOption
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
        let diagnostics = plan_json(&group, &PlanOptions::default()).diagnostics;
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
