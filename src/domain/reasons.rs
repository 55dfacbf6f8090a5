//! The words reviewers reuse (domain.md, "Reasons reviewers use"): the requests for more
//! information and the rejection reasons, as built-in templates the editor inserts with a key.
//! Kept here so every screen and export shares the same wording.

/// What a template is for; the editor offers the kinds that fit what is being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    /// A request for more information sent to the partner.
    InfoRequest,
    /// The reason recorded with a rejection.
    Rejection,
    /// The reason recorded with an approval.
    Approval,
    /// The reviewer's own, from `[templates]` in the config file: offered everywhere.
    Own,
}

/// A named text the editor can insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Which texts it fits (information requests, rejections, approvals, or the reviewer's own).
    pub kind: TemplateKind,
    /// What the picker lists.
    pub name: String,
    /// What is inserted at the cursor.
    pub text: String,
}

/// The requests for more information of domain.md.
pub const INFO_REQUESTS: [(&str, &str); 6] = [
    ("PoE missing", "Please attach proof of execution (PoE) for the claimed work: a document showing what your company did for this customer, when, and who did it."),
    ("PoE not signed by the customer", "The proof of execution you attached is not signed by the customer. Please send a version signed or confirmed by the customer."),
    ("Dates missing or too old", "The proof of execution has no dates, or the dates are too old for this claim. Please send recent, dated proof of the work."),
    ("No description of your own work", "The proof of execution does not describe the work your company did itself. Please describe your own activities for this customer."),
    ("Products not named in the PoE", "The claimed product or workload is not named in the proof of execution. Please send proof that names it."),
    ("Subscription or tenant to confirm", "Please confirm the customer's tenant ID and the subscription ID this claim is for."),
];

/// The rejection reasons of domain.md.
pub const REJECTIONS: [(&str, &str); 8] = [
    ("Partner request", "Rejected at the partner's request."),
    (
        "Customer declined",
        "The customer declined the association.",
    ),
    (
        "Insufficient PoE",
        "The proof of execution is insufficient to support the claim.",
    ),
    (
        "No customer consent on the PoE",
        "The proof of execution does not show the customer's consent.",
    ),
    (
        "Products missing from the PoE",
        "The claimed products are missing from the proof of execution.",
    ),
    (
        "No partner response",
        "No response from the partner to the request for more information.",
    ),
    ("PoE unavailable", "The proof of execution is unavailable."),
    (
        "Lost in arbitration",
        "Lost in arbitration to another partner.",
    ),
];

/// Approval reasons: the reviewer still judges (domain.md, "Competing claims").
pub const APPROVALS: [(&str, &str); 2] = [
    ("PoE verified", "Proof of execution verified; the claim's details match the customer's tenant and subscription."),
    ("Most recent valid PoE", "Approved in arbitration: the most recent valid proof of execution."),
];

/// The reason prefilled for the other parties when one party of a contest is approved.
pub const LOST_IN_ARBITRATION: &str = REJECTIONS[7].1;

/// The reason prefilled for a withdrawal.
pub const WITHDRAWN_ON_REQUEST: &str = "Withdrawn at the partner's request.";

/// The name of the rejection template a recorded reason was written from (its text starts
/// with the template's text, or is its name), or `Other` for a reason written freely.
pub fn rejection_reason_name(reason: &str) -> &'static str {
    let reason = reason.trim().to_lowercase();
    REJECTIONS
        .iter()
        .find(|(name, text)| {
            reason.starts_with(&text.to_lowercase()) || reason == name.to_lowercase()
        })
        .map_or("Other", |(name, _)| name)
}

/// Every built-in template followed by the reviewer's own (`name → text`, in name order).
pub fn templates<'a>(own: impl IntoIterator<Item = (&'a String, &'a String)>) -> Vec<Template> {
    let built_in = [
        (TemplateKind::InfoRequest, &INFO_REQUESTS[..]),
        (TemplateKind::Rejection, &REJECTIONS[..]),
        (TemplateKind::Approval, &APPROVALS[..]),
    ];
    let mut out: Vec<Template> = built_in
        .iter()
        .flat_map(|(kind, list)| {
            list.iter().map(|(name, text)| Template {
                kind: *kind,
                name: (*name).to_string(),
                text: (*text).to_string(),
            })
        })
        .collect();
    out.extend(own.into_iter().map(|(name, text)| Template {
        kind: TemplateKind::Own,
        name: name.clone(),
        text: text.clone(),
    }));
    out
}
