//! Appraisals (民主评议): their rules and 自评互评 stage, 自评 (own or from
//! paper), signed 互评 comments (and one taken back), decisions.

use super::member_id;
use super::rounds::round_id;
use proptest::prelude::*;
use zhibu_core::appraisal::{AppraisalRules, Comment, Decision, Rating, SelfAssessment};
use zhibu_core::event::Payload;
use zhibu_core::rounds::{RoundValue, Rules, Stage, StageChange};

fn rating() -> impl Strategy<Value = Rating> {
    prop::sample::select(Rating::ALL.to_vec())
}

pub fn appraisal_payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        1 => (round_id(), prop::option::of(0..3u32), 0..3u32).prop_map(|(round, cap, guests)| {
            let appraisal = AppraisalRules { cap, guests, ..Default::default() };
            let rules = Rules { appraisal: Some(appraisal), ..Rules::appraisal("2026年度民主评议党员", 2026) };
            let stage = StageChange {
                stage: Stage::Assessment,
                at: super::T0,
                entitled: None,
                candidates: None,
                publicity_at: None,
                sealed: None,
            };
            Payload::RoundSaved { round, changes: vec![RoundValue::Rules(rules), RoundValue::Stage(stage)] }
        }),
        2 => (round_id(), member_id(), prop::sample::select(vec!["认真学习", "带头服务群众"]), any::<bool>())
            .prop_map(|(round, member, text, on_paper)| Payload::SelfAssessed {
                round,
                member,
                assessment: SelfAssessment { text: text.into(), on_paper },
            }),
        2 => (round_id(), member_id(), member_id(), prop::sample::select(vec!["", "工作积极", "联系群众不够"]))
            .prop_map(|(round, by, about, text)| Payload::Commented { round, by, about, comment: Comment { text: text.into() } }),
        2 => (round_id(), member_id(), rating(), prop::sample::select(vec!["", "与测评一致"]))
            .prop_map(|(round, member, grade, reason)| {
                // 不合格 always says why and what follows (its own check).
                let failing = grade == Rating::Failing;
                let reason = if failing { "长期不参加组织生活".to_owned() } else { reason.to_owned() };
                let follow_up = if failing { "限期改正".to_owned() } else { String::new() };
                Payload::AppraisalDecided { round, member, decision: Decision { grade, reason, follow_up } }
            }),
    ]
}
