//! The semantic difference between two flags repositories: flags added and removed, field
//! changes, stage moves and audience changes per environment, pipeline stage changes.
//! Pure: two models in, data out (the `diff` command renders it).

use serde::Serialize;

use crate::repo::{Audience, FlagDef, OFF, Repo, Stage};

/// Everything that changed, in a stable order (flags by key, environments in gate order).
#[derive(Debug, Serialize, PartialEq)]
pub struct SemDiff {
    pub flags: Vec<FlagChange>,
    pub pipeline: Vec<StageChange>,
}

#[derive(Debug, Serialize, PartialEq, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct FlagChange {
    pub key: String,
    pub change: Change,
    /// The flag's file (relative to the flags root) on the side where it exists; the new
    /// side when both do.
    pub file: String,
    /// Changed top-level fields (`description`, `owner`, `type`, `created`, `expires`).
    pub fields: Vec<FieldChange>,
    pub environments: Vec<EnvChange>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct FieldChange {
    /// `description`, ..., and for typed flags `variants.NAME`, `default`, `serve`,
    /// `requires.FLAG`, `environments.ENV.serve`.
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct EnvChange {
    pub environment: String,
    /// Stage before and after (`off` when not listed); equal when only the audience changed.
    pub from: String,
    pub to: String,
    /// Who is served, before and after (cumulative stage audience plus extra segments).
    pub audience: AudienceChange,
    /// The planned moves before and after, when they changed (left out otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<ScheduleChange>,
}

/// An environment's schedule before and after, as written (`at` as in the file).
#[derive(Debug, Serialize, PartialEq)]
pub struct ScheduleChange {
    pub from: Vec<Planned>,
    pub to: Vec<Planned>,
}

#[derive(Debug, Serialize, PartialEq, Clone)]
pub struct Planned {
    pub stage: String,
    pub at: String,
}

fn planned(def: Option<&FlagDef>, env: &str) -> Vec<Planned> {
    def.and_then(|d| d.entry(env))
        .map(|e| {
            e.schedule
                .iter()
                .map(|s| Planned {
                    stage: s.value.stage.value.clone(),
                    at: s.value.at.value.clone(),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Debug, Serialize, PartialEq)]
pub struct AudienceChange {
    pub from: AudienceJson,
    pub to: AudienceJson,
}

#[derive(Debug, Serialize, PartialEq, Clone)]
pub struct AudienceJson {
    pub segments: Vec<String>,
    pub rollout: f64,
    /// The environment's extra targeting keys (left out when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub users: Vec<String>,
}

impl From<Audience> for AudienceJson {
    fn from(a: Audience) -> Self {
        AudienceJson {
            segments: a.segments,
            rollout: a.rollout,
            users: a.users,
        }
    }
}

#[derive(Debug, Serialize, PartialEq)]
pub struct StageChange {
    pub stage: String,
    pub change: Change,
    pub from: Option<StageJson>,
    pub to: Option<StageJson>,
}

/// One stage as written (its own segments and rollout, not the cumulative audience).
#[derive(Debug, Serialize, PartialEq, Clone)]
pub struct StageJson {
    pub position: usize,
    pub segments: Vec<String>,
    pub rollout: Option<f64>,
    pub soak_days: Option<u32>,
}

fn stage_json(pos: usize, s: &Stage) -> StageJson {
    StageJson {
        position: pos,
        segments: s.segments.clone(),
        rollout: s.rollout,
        soak_days: s.soak_days,
    }
}

/// The changes from `base` to `head`, now (see [`diff_at`]).
pub fn diff(base: &Repo, head: &Repo) -> SemDiff {
    diff_at(base, head, crate::date::Timestamp::now())
}

/// The changes from `base` to `head`, comparing the stages in force at `now` (schedules
/// applied) and the schedules themselves.
pub fn diff_at(base: &Repo, head: &Repo, now: crate::date::Timestamp) -> SemDiff {
    let mut keys: Vec<&str> = base
        .flags
        .iter()
        .chain(&head.flags)
        .map(|f| f.name.as_str())
        .collect();
    keys.sort();
    keys.dedup();
    let mut envs: Vec<&str> = head.environment_order();
    for e in base.environment_order() {
        if !envs.contains(&e) {
            envs.push(e);
        }
    }
    let mut flags = Vec::new();
    for key in keys {
        let (b, h) = (base.flag(key), head.flag(key));
        let (change, file) = match (b, h) {
            (None, Some(h)) => (Change::Added, h.path.clone()),
            (Some(b), None) => (Change::Removed, b.path.clone()),
            (Some(_), Some(h)) => (Change::Changed, h.path.clone()),
            (None, None) => continue,
        };
        let fields = match (b, h) {
            (Some(b), Some(h)) => field_changes(&b.def, &h.def),
            _ => Vec::new(),
        };
        let mut environments = Vec::new();
        for env in &envs {
            let (from, afrom) = side(base, b.map(|d| &d.def), env, now);
            let (to, ato) = side(head, h.map(|d| &d.def), env, now);
            let (pfrom, pto) = (
                planned(b.map(|d| &d.def), env),
                planned(h.map(|d| &d.def), env),
            );
            let schedule = (pfrom != pto).then_some(ScheduleChange {
                from: pfrom,
                to: pto,
            });
            if from != to || afrom != ato || schedule.is_some() {
                environments.push(EnvChange {
                    environment: env.to_string(),
                    from,
                    to,
                    audience: AudienceChange {
                        from: afrom.into(),
                        to: ato.into(),
                    },
                    schedule,
                });
            }
        }
        if change != Change::Changed || !fields.is_empty() || !environments.is_empty() {
            flags.push(FlagChange {
                key: key.to_string(),
                change,
                file,
                fields,
                environments,
            });
        }
    }

    let mut pipeline = Vec::new();
    let mut names: Vec<&str> = head
        .pipeline
        .stages
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    for s in &base.pipeline.stages {
        if !names.contains(&s.name.as_str()) {
            names.push(&s.name);
        }
    }
    for name in names {
        let find = |r: &Repo| {
            r.pipeline
                .stages
                .iter()
                .enumerate()
                .find(|(_, s)| s.name == name)
                .map(|(i, s)| stage_json(i + 1, s))
        };
        let (from, to) = (find(base), find(head));
        let change = match (&from, &to) {
            (None, Some(_)) => Change::Added,
            (Some(_), None) => Change::Removed,
            (Some(a), Some(b)) if a != b => Change::Changed,
            _ => continue,
        };
        pipeline.push(StageChange {
            stage: name.to_string(),
            change,
            from,
            to,
        });
    }
    SemDiff { flags, pipeline }
}

fn side(
    repo: &Repo,
    def: Option<&FlagDef>,
    env: &str,
    now: crate::date::Timestamp,
) -> (String, Audience) {
    match def {
        Some(d) => {
            let s = repo.state_at(d, env, now);
            (s.stage.to_string(), repo.audience_of(&s))
        }
        None => (OFF.to_string(), Audience::default()),
    }
}

fn field_changes(a: &FlagDef, b: &FlagDef) -> Vec<FieldChange> {
    let opt = |o: &Option<crate::repo::Sp<String>>| o.as_ref().map(|s| s.value.clone());
    let pairs = [
        (
            "description",
            Some(a.description.value.clone()),
            Some(b.description.value.clone()),
        ),
        (
            "owner",
            Some(a.owner.value.clone()),
            Some(b.owner.value.clone()),
        ),
        (
            "type",
            Some(a.kind.value.to_string()),
            Some(b.kind.value.to_string()),
        ),
        ("created", opt(&a.created), opt(&b.created)),
        ("expires", opt(&a.expires), opt(&b.expires)),
    ];
    let mut out: Vec<FieldChange> = pairs
        .into_iter()
        .filter(|(_, x, y)| x != y)
        .map(|(field, from, to)| FieldChange {
            field: field.to_string(),
            from,
            to,
        })
        .collect();
    out.extend(typed_field_changes(a, b));
    out
}

/// Changes of typed fields (section 8): each variant's value, `default`, `serve`, each
/// prerequisite, each environment's own `serve`. Boolean flags have none of them.
fn typed_field_changes(a: &FlagDef, b: &FlagDef) -> Vec<FieldChange> {
    use crate::repo::TypedView;
    let (va, vb) = (TypedView::new(a), TypedView::new(b));
    let mut out = Vec::new();
    let mut push = |field: String, from: Option<String>, to: Option<String>| {
        if from != to {
            out.push(FieldChange { field, from, to });
        }
    };
    let variants = |d: &FlagDef| -> Vec<(String, String)> {
        d.variants
            .as_ref()
            .map(|v| {
                v.value
                    .0
                    .iter()
                    .map(|(k, v)| (k.value.clone(), crate::export::inline_json(&v.value)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (xa, xb) = (variants(a), variants(b));
    let names: Vec<&String> = xa.iter().chain(&xb).map(|(k, _)| k).collect();
    let mut seen = std::collections::HashSet::new();
    for n in names {
        if !seen.insert(n) {
            continue;
        }
        let get = |x: &[(String, String)]| x.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
        push(format!("variants.{n}"), get(&xa), get(&xb));
    }
    let default = |d: &FlagDef| d.default.as_ref().map(|x| x.value.0.clone());
    push("default".into(), default(a), default(b));
    let serve = |s: &Option<crate::repo::Sp<crate::repo::Serve>>| {
        s.as_ref()
            .map(|s| crate::repo::typed::serve_view(&s.value).describe())
    };
    push("serve".into(), serve(&a.serve), serve(&b.serve));
    let (ra, rb) = (va.requires(), vb.requires());
    let mut flags: Vec<&str> = ra.iter().chain(&rb).map(|(k, _)| *k).collect();
    flags.sort();
    flags.dedup();
    for f in flags {
        let get = |r: &[(&str, &str)]| r.iter().find(|(k, _)| *k == f).map(|(_, v)| v.to_string());
        push(format!("requires.{f}"), get(&ra), get(&rb));
    }
    let mut envs: Vec<&str> = a
        .environments
        .value
        .0
        .iter()
        .chain(&b.environments.value.0)
        .map(|(k, _)| k.value.as_str())
        .collect();
    envs.sort();
    envs.dedup();
    for env in envs {
        let s = |d: &FlagDef| d.entry(env).and_then(|e| serve(&e.serve));
        push(format!("environments.{env}.serve"), s(a), s(b));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::repo::load_from_sources;

    fn repo(files: &[(&str, &str)]) -> Repo {
        let settings = files
            .iter()
            .find(|(p, _)| *p == "flags.yaml")
            .map(|(_, t)| Ok(t.to_string()));
        let files = files
            .iter()
            .filter(|(p, _)| *p != "flags.yaml")
            .map(|(p, t)| (p.to_string(), Ok(t.to_string())))
            .collect();
        load_from_sources(PathBuf::from("/x"), settings, files, Vec::new())
    }

    const ENVS: [(&str, &str); 2] = [("environments/prod.yaml", ""), ("segments/beta.yaml", "")];

    #[test]
    fn a_flag_moved_between_sub_folders_is_no_change() {
        let flag = "description: D\nowner: o\ntype: release\nenvironments:\n  prod: internal\n";
        let a = repo(&[ENVS[0], ENVS[1], ("flags/nd.yaml", flag)]);
        let b = repo(&[ENVS[0], ENVS[1], ("flags/team/nd.yaml", flag)]);
        assert_eq!(
            diff(&a, &b),
            SemDiff {
                flags: vec![],
                pipeline: vec![]
            }
        );
    }

    #[test]
    fn extra_segments_and_pipeline_changes_are_audience_changes() {
        let a = repo(&[
            ENVS[0],
            ENVS[1],
            (
                "flags/nd.yaml",
                "description: D\nowner: o\ntype: release\nenvironments:\n  prod: partners\n",
            ),
        ]);
        let b = repo(&[
            ENVS[0],
            ENVS[1],
            (
                "flags.yaml",
                "pipeline:\n  - stage: internal\n    segments: [internal]\n  - stage: partners\n    segments: [partners]\n    rollout: 5\n  - stage: everyone\n    rollout: 100\n",
            ),
            (
                "flags/nd.yaml",
                "description: D\nowner: o\ntype: release\nenvironments:\n  prod:\n    stage: partners\n    segments: [beta]\n",
            ),
        ]);
        let d = diff(&a, &b);
        assert_eq!(d.flags.len(), 1);
        let e = &d.flags[0].environments[0];
        assert_eq!((e.from.as_str(), e.to.as_str()), ("partners", "partners"));
        assert_eq!(
            e.audience.from,
            AudienceJson {
                segments: vec!["internal".into(), "partners".into()],
                rollout: 0.0,
                users: vec![],
            }
        );
        assert_eq!(
            e.audience.to,
            AudienceJson {
                segments: vec!["internal".into(), "partners".into(), "beta".into()],
                rollout: 5.0,
                users: vec![],
            }
        );
        assert_eq!(d.pipeline.len(), 1);
        assert_eq!(d.pipeline[0].stage, "partners");
        assert_eq!(d.pipeline[0].change, Change::Changed);
    }
}
