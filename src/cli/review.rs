//! `claimdesk assign` and `claimdesk decide`: a lead hands a contest to a named reviewer, and a
//! claim is decided from a shell.
//!
//! The store decides who may do what (only a lead assigns; a claim with error findings is
//! approved only by a lead who says `--over-findings`): its refusal is printed as is.

use clap::{ArgGroup, Args};

use claimdesk::domain::text::escape;
use claimdesk::domain::DecisionOutcome;
use claimdesk::store::{DecisionRequest, Guard, Seen, Store, StoreError};

/// `claimdesk decide` options.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("outcome").required(true).args(["approve", "reject"])))]
pub struct DecideArgs {
    /// The claim to decide.
    claim: String,
    /// Approve it: its MPN becomes the association of its customer and product.
    #[arg(long)]
    approve: bool,
    /// Reject it.
    #[arg(long)]
    reject: bool,
    /// Why (recorded with the decision, and as the override's reason).
    #[arg(long, value_name = "TEXT")]
    reason: String,
    /// A lead approves over the claim's error findings, recorded as an override.
    #[arg(long)]
    over_findings: bool,
}

/// `claimdesk assign CLAIM LOGIN`: the claim and the open claims of its contest.
pub async fn assign(store: &Store, by: &str, claim: &str, to: &str) -> Result<(), StoreError> {
    let assigned = store.assign(claim, to, by).await?;
    if assigned.is_empty() {
        println!("{} is already assigned to {}", escape(claim), escape(to));
    } else {
        let ids: Vec<String> = assigned.iter().map(|id| escape(id).into_owned()).collect();
        println!("assigned {} to {}", ids.join(", "), escape(to));
    }
    Ok(())
}

/// `claimdesk decide CLAIM --approve|--reject --reason TEXT [--over-findings]`, on the claim as
/// it is now.
pub async fn decide(store: &Store, by: &str, args: &DecideArgs) -> Result<(), StoreError> {
    let view = store
        .claim(&args.claim)
        .await?
        .ok_or_else(|| StoreError::NotFound(args.claim.clone()))?;
    let outcome = if args.approve {
        DecisionOutcome::Approved
    } else {
        DecisionOutcome::Rejected
    };
    let request = DecisionRequest {
        seen: Seen {
            claim_id: args.claim.clone(),
            version: view.version,
        },
        outcome,
        reason: args.reason.clone(),
    };
    let guard = if args.over_findings {
        Guard::LeadOverride
    } else {
        Guard::Enforce
    };
    store
        .decide_guarded(std::slice::from_ref(&request), by, guard)
        .await?;
    println!("{} {}", outcome.code(), escape(&args.claim));
    Ok(())
}
