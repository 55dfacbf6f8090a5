//! Synthetic claims for benchmarks and demos at scale (`claimdesk generate --claims N`).
//!
//! Deterministic: the same seed and `as_of` day give the same claims, so two stores can be
//! compared and a benchmark rerun. Claim ids carry the seed (`CPOR-{seed}-{n:07}`), so sets made
//! with different seeds never collide. The partner pool and its MPNs do not depend on the seed:
//! loading a second set refreshes the same reference data instead of contradicting it.
//!
//! Claims come in customer groups (one tenant and product each); about one group in six is
//! contested by two or three partners, a few have an incumbent association, and a small share
//! carries each kind of finding.

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use uuid::Uuid;

use crate::domain::{
    Activity, Association, Claim, Comment, Customer, Mpn, Partner, PoeItem, PurchaseChannel,
    SolutionArea, Status, Subscription, SubscriptionState, Tenant, Visibility,
};
use futures::StreamExt;

use crate::store::{Audit, AuditMode, Backend, ImportBatch, Store, StoreError};

#[path = "generate/resume.rs"]
mod resume;

/// How many claims one `Store::import` call writes. Large on purpose: tenants, subscriptions and
/// the contest index are keyed by random GUIDs, so every transaction dirties pages all over those
/// trees and writes each of them again; fewer, larger transactions write them fewer times.
pub const BATCH_CLAIMS: usize = 100_000;

/// A small, fast, well-mixed PRNG (splitmix64): enough for synthetic data, no dependency.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator whose whole sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n.max(1))) >> 64) as u64
    }

    /// True `per_mille` times in a thousand.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// One item of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// A random (version 4 shaped) GUID.
    pub fn guid(&mut self) -> Uuid {
        let bytes = (u128::from(self.next_u64()) << 64 | u128::from(self.next_u64())).to_be_bytes();
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }

    /// A random GUID whose first 32 bits fall at a random point of stratum `slot` of `strata`
    /// equal strata: GUIDs drawn for strata in increasing order come out sorted, and a set of
    /// them is still spread evenly over the whole range, as random GUIDs are.
    pub fn guid_in_stratum(&mut self, slot: std::ops::Range<u64>, strata: u64) -> Uuid {
        let strata = u128::from(strata.max(slot.end).max(1));
        let width = u128::from(slot.end.saturating_sub(slot.start).max(1)) << 32;
        let at = (u128::from(slot.start) << 32) + self.below_u128(width);
        let prefix = u32::try_from(at / strata).unwrap_or(u32::MAX);
        let mut bytes = *self.guid().as_bytes();
        bytes[..4].copy_from_slice(&prefix.to_be_bytes());
        Uuid::from_bytes(bytes)
    }

    /// A number in `0..n` (`n > 0`) for ranges wider than 64 bits.
    fn below_u128(&mut self, n: u128) -> u128 {
        let wide = u128::from(self.next_u64()) << 64 | u128::from(self.next_u64());
        wide % n.max(1)
    }
}

/// The id of the `n`th claim (from 1) made with `seed`.
pub fn claim_id(seed: u64, n: u64) -> String {
    format!("CPOR-{seed}-{n:07}")
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateOptions {
    pub claims: u64,
    pub seed: u64,
    /// Claims are submitted during the three weeks before this day's midnight (UTC).
    pub as_of: NaiveDate,
    /// Claims per transaction (`BATCH_CLAIMS`); customer groups end at a batch's end, so this
    /// too decides the set, and a resumed run must use the interrupted run's.
    pub batch_claims: usize,
}

const BA_PRODUCTS: &[&str] = &[
    "Dynamics 365 Sales",
    "Dynamics 365 Customer Service",
    "Dynamics 365 Field Service",
    "Dynamics 365 Finance",
    "Dynamics 365 Supply Chain Management",
    "Dynamics 365 Business Central",
];
const M365_PRODUCTS: &[&str] = &[
    "Exchange Online",
    "SharePoint Online",
    "Microsoft Teams",
    "OneDrive for Business",
    "Microsoft Intune",
];
const PARTNER_STEMS: &[&str] = &[
    "Contoso",
    "Fabrikam",
    "Northwind",
    "Adatum",
    "Litware",
    "Proseware",
    "Tailspin",
    "Wingtip",
    "Woodgrove",
    "Alpine Ski",
    "Blue Yonder",
    "Coho",
    "Fourth Coffee",
    "Lucerne",
    "Relecloud",
    "Trey Research",
    "VanArsdel",
    "Wide World",
    "Humongous",
    "Lamna",
    "Bellows",
    "Margie's",
];
const PARTNER_SUFFIXES: &[&str] = &[
    "Consulting",
    "Solutions",
    "Digital",
    "Partners",
    "Technologies",
    "Cloud Services",
    "Systems",
    "Advisory",
];
/// Real partner names are not all ASCII; the screens and exports must cope.
const NON_ASCII_PARTNERS: &[&str] = &[
    "Société Générale Conseil",
    "Müller IT GmbH",
    "株式会社フジ",
    "Ølstad Rådgivning AS",
    "Çelik Bilişim A.Ş.",
    "Núñez & Asociados S.L.",
    "Łódź Cloud Sp. z o.o.",
    "Ärzteservice Köln GmbH",
];
const CUSTOMERS: &[&str] = &[
    "tailwindtraders",
    "wingtiptoys",
    "adventureworks",
    "alpineskihouse",
    "bellowscollege",
    "cohowinery",
    "contosopharma",
    "fabrikamresidences",
    "fourthcoffee",
    "graphicdesigninst",
    "humongousinsurance",
    "lucernepublishing",
    "margiestravel",
    "northwindtraders",
    "relecloudair",
    "southridgevideo",
    "treyresearch",
    "woodgrovebank",
    "worldwideimporters",
];
const PEOPLE: &[&str] = &[
    "A. Dupont",
    "K. Müller",
    "S. Tanaka",
    "M. García",
    "J. Smith",
    "P. Nowak",
    "L. Rossi",
    "E. Johansson",
    "R. Patel",
    "C. O'Brien",
];
const POE_KINDS: &[&str] = &[
    "Signed statement of work",
    "Workshop attendance",
    "Deployment report",
    "Customer email confirmation",
    "Architecture design",
    "Training session",
];
const PARTNER_TYPES: &[&str] = &["FRP FastTrack", "Solutions Partner", "ISV"];

/// A partner company of the pool with its MPN IDs (the first one enrolled).
#[derive(Debug, Clone)]
struct PartnerProfile {
    name: String,
    mpns: Vec<Mpn>,
}

/// The partner pool: fixed names and MPN IDs, whatever the seed.
fn partner_pool() -> Vec<PartnerProfile> {
    let mut rng = SplitMix64::new(0xC0DE_C1A1);
    let mut names: Vec<String> = NON_ASCII_PARTNERS.iter().map(|s| s.to_string()).collect();
    for stem in PARTNER_STEMS {
        for suffix in PARTNER_SUFFIXES {
            names.push(format!("{stem} {suffix}"));
        }
    }
    let mut next_mpn = 4_100_000u64;
    names
        .into_iter()
        .map(|name| {
            let count = 1 + rng.below(3) as usize;
            let mpns = (0..count)
                .map(|k| {
                    next_mpn += 1 + rng.below(40);
                    Mpn {
                        mpn_id: next_mpn.to_string(),
                        partner: name.clone(),
                        // The main MPN is nearly always enrolled; secondary ones often are not.
                        enrolled: if k == 0 {
                            !rng.chance(40)
                        } else {
                            rng.chance(500)
                        },
                        partner_type: rng.chance(120).then(|| rng.pick(PARTNER_TYPES).to_string()),
                        partner_id: None,
                    }
                })
                .collect();
            PartnerProfile { name, mpns }
        })
        .collect()
}

/// Produces the synthetic set batch by batch, so a million claims never sit in memory at once.
pub struct Generator {
    rng: SplitMix64,
    options: GenerateOptions,
    pool: Vec<PartnerProfile>,
    /// The last claim number handed out.
    made: u64,
    window_end: DateTime<Utc>,
}

impl Generator {
    /// A generator for `options`; nothing is produced until `next_batch`.
    pub fn new(options: GenerateOptions) -> Self {
        let window_end = options
            .as_of
            .and_hms_opt(0, 0, 0)
            .map_or_else(Utc::now, |t| t.and_utc());
        Generator {
            rng: SplitMix64::new(options.seed ^ 0x5EED_5EED_5EED_5EED),
            options,
            pool: partner_pool(),
            made: 0,
            window_end,
        }
    }

    /// How many claims have been produced so far.
    pub fn made(&self) -> u64 {
        self.made
    }

    /// Up to `max_claims` more claims with the tenants and associations they refer to; the first
    /// batch also carries the MPN pool. `None` once every claim has been produced.
    pub fn next_batch(&mut self, max_claims: usize) -> Option<ImportBatch> {
        if self.made >= self.options.claims {
            return None;
        }
        let mut batch = ImportBatch::default();
        if self.made == 0 {
            batch.mpns = self.pool.iter().flat_map(|p| p.mpns.clone()).collect();
        }
        let budget = (self.options.claims - self.made).min(max_claims.max(1) as u64);
        let mut left = budget;
        while left > 0 {
            let size = self.group_size().min(left);
            self.group(size as usize, &mut batch);
            left -= size;
        }
        Some(batch)
    }

    /// 1 party in most groups; ~17% of groups are contested by 2 or 3 partners.
    fn group_size(&mut self) -> u64 {
        match self.rng.below(100) {
            0..=10 => 2,
            11..=16 => 3,
            _ => 1,
        }
    }

    /// One customer group: a tenant, one product, `size` claims by different partners.
    fn group(&mut self, size: usize, batch: &mut ImportBatch) {
        let rng = &mut self.rng;
        let business_apps = rng.chance(700);
        let (area, product) = if business_apps {
            (SolutionArea::BusinessApplications, *rng.pick(BA_PRODUCTS))
        } else {
            (SolutionArea::Microsoft365, *rng.pick(M365_PRODUCTS))
        };
        let slot = self.made..self.made + size as u64;
        let tenant = self.tenant(product, business_apps, slot);
        let rng = &mut self.rng;
        let main_sub = tenant.subscriptions.first().cloned();

        // Distinct partners for the group, plus perhaps an incumbent that is none of them.
        let mut parties: Vec<usize> = Vec::with_capacity(size + 1);
        while parties.len() < size + 1 {
            let p = rng.below(self.pool.len() as u64) as usize;
            if !parties.contains(&p) {
                parties.push(p);
            }
        }
        if rng.chance(30) {
            let incumbent = &self.pool[parties[size]];
            batch.associations.push(Association {
                tenant_id: tenant.tenant_id,
                product: product.to_string(),
                mpn_id: incumbent.mpns[0].mpn_id.clone(),
                claim_id: None,
            });
        }
        let mut approved = false;
        for &p in &parties[..size] {
            self.made += 1;
            let claim = self.claim(p, &tenant, area, product, main_sub.as_ref(), &mut approved);
            batch.claims.push((self.made as usize, claim));
        }
        // A few tenants are unknown to the reference data: their checks show as unknown.
        if !self.rng.chance(40) {
            batch.tenants.push(tenant);
        }
    }

    /// The group's customer tenant. Its GUID and its subscriptions' GUIDs are drawn in the
    /// group's stratum of the run (`slot`, in claims): group after group they ascend, so the
    /// store's GUID-keyed trees grow at their right edge, as a bulk loader that sorts its input
    /// would have them; as a set they are as evenly spread as any random GUIDs.
    fn tenant(&mut self, product: &str, business_apps: bool, slot: std::ops::Range<u64>) -> Tenant {
        let strata = self.options.claims;
        let rng = &mut self.rng;
        let tenant_id = rng.guid_in_stratum(slot.clone(), strata);
        let domain = format!(
            "{}{}.onmicrosoft.com",
            rng.pick(CUSTOMERS),
            rng.below(100_000)
        );
        let mut subscriptions = Vec::new();
        // Nearly every tenant has the claimed product; the first subscription is it.
        if !rng.chance(30) {
            subscriptions.push(Subscription {
                subscription_id: rng.guid_in_stratum(slot.clone(), strata),
                product: product.to_string(),
                dynamics: business_apps && !rng.chance(20),
                channel: match rng.below(100) {
                    0..=49 => PurchaseChannel::VolumeLicensing,
                    50..=91 => PurchaseChannel::WebDirect,
                    _ => PurchaseChannel::Csp,
                },
                state: match rng.below(100) {
                    0..=86 => SubscriptionState::Active,
                    87..=91 => SubscriptionState::Grace,
                    92..=96 => SubscriptionState::Ended,
                    _ => SubscriptionState::Unprovisioned,
                },
            });
        }
        for _ in 0..rng.below(3) {
            let other = *rng.pick(M365_PRODUCTS);
            subscriptions.push(Subscription {
                subscription_id: rng.guid_in_stratum(slot.clone(), strata),
                product: other.to_string(),
                dynamics: false,
                channel: *rng.pick(PurchaseChannel::ALL),
                state: SubscriptionState::Active,
            });
        }
        Tenant {
            tenant_id,
            domains: vec![domain],
            subscriptions,
        }
    }

    fn claim(
        &mut self,
        party: usize,
        tenant: &Tenant,
        area: SolutionArea,
        product: &str,
        sub: Option<&Subscription>,
        approved: &mut bool,
    ) -> Claim {
        let rng = &mut self.rng;
        let partner = &self.pool[party];
        // Mostly the main MPN; sometimes a secondary one (perhaps not enrolled).
        let mpn = if rng.chance(850) {
            &partner.mpns[0]
        } else {
            rng.pick(&partner.mpns)
        };
        let business_apps = area == SolutionArea::BusinessApplications;
        let activity = if business_apps {
            match rng.below(10) {
                0..=3 => Activity::Presales,
                4..=7 => Activity::Usage,
                _ => Activity::RevenueAssociation,
            }
        } else if rng.chance(30) {
            Activity::Presales
        } else {
            Activity::Usage
        };
        let channel = match sub {
            Some(s) if !rng.chance(40) => s.channel,
            _ => *rng.pick(PurchaseChannel::ALL),
        };
        let subscription_id = match (business_apps, sub) {
            (true, Some(s)) => match rng.below(100) {
                0..=89 => Some(s.subscription_id.to_string()),
                90..=93 => Some(format!("PO-{}", rng.below(1_000_000))),
                94..=95 => None,
                _ => Some(rng.guid().to_string()),
            },
            (true, None) => Some(rng.guid().to_string()),
            (false, Some(s)) if rng.chance(300) => Some(s.subscription_id.to_string()),
            (false, _) => None,
        };
        let domain = if rng.chance(20) {
            format!(
                "{}{}.onmicrosoft.com",
                rng.pick(CUSTOMERS),
                rng.below(100_000)
            )
        } else {
            tenant.domains[0].clone()
        };
        let age = TimeDelta::seconds(rng.below(21 * 86_400) as i64 + 1);
        let submitted_at = self.window_end - age;
        let status = match rng.below(100) {
            0..=9 => Status::Submitted,
            10..=79 => Status::UnderReview,
            80..=89 => Status::InfoRequested,
            90..=92 => Status::Withdrawn,
            93..=96 if !*approved => {
                *approved = true;
                Status::Approved
            }
            _ => Status::Rejected,
        };
        let claim_id = claim_id(self.options.seed, self.made);
        let poe = (0..1 + rng.below(3))
            .map(|k| PoeItem {
                kind: rng.pick(POE_KINDS).to_string(),
                date: submitted_at
                    .date_naive()
                    .checked_sub_days(Days::new(1 + rng.below(90)))
                    .unwrap_or(NaiveDate::MIN),
                summary: format!("{} for {product}", rng.pick(POE_KINDS)),
                by: rng.pick(PEOPLE).to_string(),
                attachment: format!("poe/{claim_id}-{}.pdf", k + 1),
            })
            .collect();
        let comments = if rng.chance(150) {
            (0..1 + rng.below(2))
                .map(|k| {
                    let internal = rng.chance(500);
                    Comment {
                        author: if internal { "reviewer" } else { "partner" }.to_string(),
                        visibility: if internal {
                            Visibility::Internal
                        } else {
                            Visibility::Partner
                        },
                        body: if internal {
                            "PoE dates look old; check with the lead.".to_string()
                        } else {
                            "Please find the signed SOW attached to the PoE.".to_string()
                        },
                        at: submitted_at + TimeDelta::hours(2 + 20 * k as i64),
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        Claim {
            claim_id,
            partner: Partner {
                name: partner.name.clone(),
                mpn_id: mpn.mpn_id.clone(),
            },
            customer: Customer {
                tenant_id: tenant.tenant_id,
                domain,
            },
            solution_area: area,
            activity,
            product: product.to_string(),
            subscription_id,
            purchase_channel: channel,
            submitted_at,
            status,
            poe,
            comments,
        }
    }
}

/// From this many claims (and at least as many as the store holds), the queue's indexes are
/// dropped for the load and built once at the end: sorting is cheaper than row-by-row upkeep.
pub const REBUILD_INDEXES_FROM: u64 = 50_000;

/// Generates `options.claims` claims into `store` in batches of `options.batch_claims`, each
/// batch one transaction with one summary audit event; `progress(done, total)` is called after
/// each. A batch already stored whole, as this run makes it, is skipped: so an interrupted run
/// resumes when started again with the same options (see `resume`).
pub async fn generate_into(
    store: &Store,
    options: GenerateOptions,
    actor: &str,
    mut progress: impl FnMut(u64, u64),
) -> Result<Generated, StoreError> {
    let rebuild =
        options.claims >= REBUILD_INDEXES_FROM && options.claims >= store.claim_count().await?;
    if rebuild {
        store.suspend_indexes().await?;
    }
    let made = write_batches(store, options, actor, &mut progress).await;
    if rebuild {
        // Also after a failure: the store must not stay without its indexes.
        store.ensure_indexes().await?;
    }
    made
}

/// Batches written at once: PostgreSQL gives each connection its own server process, so two
/// transactions load two cores (batches never share a customer group, tenant or claim, so they
/// cannot conflict); SQLite has one writer at a time.
fn lanes(store: &Store) -> usize {
    match store.backend() {
        Backend::Postgres => 2,
        Backend::Sqlite => 1,
    }
}

async fn write_batches(
    store: &Store,
    options: GenerateOptions,
    actor: &str,
    progress: &mut impl FnMut(u64, u64),
) -> Result<Generated, StoreError> {
    // Resuming: one batch at a time, in order, so a set stored by a run with other options is
    // found at its first batch and the run stops before writing anything beside it.
    let resuming = store.claim(&claim_id(options.seed, 1)).await?.is_some();
    let lanes = if resuming { 1 } else { lanes(store) };
    // The next batches are made on another core while the store writes this one: generating
    // a million claims takes seconds the writer need not wait for.
    let (sender, receiver) = tokio::sync::mpsc::channel(lanes);
    let mut generator = Generator::new(options);
    let producer = tokio::task::spawn_blocking(move || {
        while let Some(batch) = generator.next_batch(options.batch_claims) {
            if sender.blocking_send(batch).is_err() {
                break; // the writer stopped (an error): nothing more to make
            }
        }
    });
    let batches = futures::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|batch| (batch, receiver))
    });
    let written = batches
        .map(|batch| async move {
            let audit = Audit {
                actor: actor.to_string(),
                mode: AuditMode::Summary(format!(
                    "generated {} claims (seed {})",
                    batch.claims.len(),
                    options.seed
                )),
            };
            let claims = batch.claims.len() as u64;
            match store.import(&batch, &audit).await {
                Ok(_) => Ok(Generated {
                    written: claims,
                    already_stored: 0,
                }),
                Err(StoreError::ClaimsExist(stored)) => {
                    resume::check_stored(store, &batch, stored.len()).await?;
                    Ok(Generated {
                        written: 0,
                        already_stored: claims,
                    })
                }
                Err(e) => Err(e),
            }
        })
        .buffer_unordered(lanes);
    let mut written = std::pin::pin!(written);
    let mut done = Generated::default();
    while let Some(batch) = written.next().await {
        let batch = batch?;
        done.written += batch.written;
        done.already_stored += batch.already_stored;
        progress(done.written + done.already_stored, options.claims);
    }
    // The generator cannot fail; a panic in it is a bug worth surfacing as one.
    if let Err(e) = producer.await {
        if let Ok(panic) = e.try_into_panic() {
            std::panic::resume_unwind(panic);
        }
    }
    Ok(done)
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Generated {
    /// Claims this run wrote.
    pub written: u64,
    /// Claims of the set found already stored, as this run makes them (an interrupted run's).
    pub already_stored: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    fn options(claims: u64, seed: u64) -> GenerateOptions {
        GenerateOptions {
            claims,
            seed,
            as_of: NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
            batch_claims: BATCH_CLAIMS,
        }
    }

    fn all_claims(o: GenerateOptions, batch: usize) -> Vec<ImportBatch> {
        let mut g = Generator::new(o);
        std::iter::from_fn(|| g.next_batch(batch)).collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_claims_and_another_seed_does_not() {
        let a = all_claims(options(300, 7), 100);
        let b = all_claims(options(300, 7), 100);
        let ids = |bs: &[ImportBatch]| -> Vec<Claim> {
            bs.iter()
                .flat_map(|b| b.claims.iter().map(|(_, c)| c.clone()))
                .collect()
        };
        assert_eq!(ids(&a), ids(&b));
        assert_ne!(ids(&a), ids(&all_claims(options(300, 8), 100)));
    }

    #[test]
    fn exactly_n_claims_with_unique_seeded_ids_in_batches() {
        let batches = all_claims(options(1234, 42), 500);
        assert_eq!(batches.len(), 3);
        let claims: Vec<&Claim> = batches
            .iter()
            .flat_map(|b| b.claims.iter().map(|(_, c)| c))
            .collect();
        assert_eq!(claims.len(), 1234);
        assert_eq!(claims[0].claim_id, "CPOR-42-0000001");
        assert_eq!(claims[1233].claim_id, "CPOR-42-0001234");
        let unique: HashSet<&str> = claims.iter().map(|c| c.claim_id.as_str()).collect();
        assert_eq!(unique.len(), 1234);
        assert!(!batches[0].mpns.is_empty() && batches[1].mpns.is_empty());
    }

    #[test]
    fn the_set_looks_like_real_work() {
        let batches = all_claims(options(20_000, 1), 20_000);
        let b = &batches[0];
        let claims: Vec<&Claim> = b.claims.iter().map(|(_, c)| c).collect();
        let end = Utc.with_ymd_and_hms(2026, 11, 16, 0, 0, 0).unwrap();
        assert!(claims
            .iter()
            .all(|c| c.submitted_at < end && c.submitted_at >= end - TimeDelta::days(21)));
        // Contested groups: claims sharing tenant and product.
        let mut groups: HashMap<(Uuid, &str), usize> = HashMap::new();
        for c in &claims {
            *groups
                .entry((c.customer.tenant_id, &c.product))
                .or_default() += 1;
        }
        let contested = groups.values().filter(|&&n| n > 1).count() as f64;
        let share = contested / groups.len() as f64;
        assert!((0.13..0.22).contains(&share), "contested groups {share}");
        assert!(groups.values().all(|&n| n <= 3));
        assert!(claims.iter().any(|c| c.partner.name == "株式会社フジ"));
        assert!(claims.iter().any(|c| c.status == Status::Approved));
        assert!(claims.iter().any(|c| !c.comments.is_empty()));
        assert!(claims.iter().all(|c| (1..=3).contains(&c.poe.len())));
        assert!(!b.associations.is_empty());
        let known: HashSet<Uuid> = b.tenants.iter().map(|t| t.tenant_id).collect();
        assert!(claims
            .iter()
            .any(|c| !known.contains(&c.customer.tenant_id)));
        assert!(b
            .mpns
            .iter()
            .any(|m| m.partner_type.as_deref() == Some("FRP FastTrack")));
        assert!(b.mpns.iter().any(|m| !m.enrolled));
    }

    #[test]
    fn stratified_guids_ascend_stratum_by_stratum_and_spread_over_the_whole_range() {
        let mut rng = SplitMix64::new(3);
        let strata = 1000;
        let guids: Vec<Uuid> = (0..strata)
            .map(|k| rng.guid_in_stratum(k..k + 1, strata))
            .collect();
        assert!(guids.windows(2).all(|w| w[0] < w[1]));
        let prefix = |g: &Uuid| {
            u32::from_be_bytes([
                g.as_bytes()[0],
                g.as_bytes()[1],
                g.as_bytes()[2],
                g.as_bytes()[3],
            ])
        };
        assert!(prefix(&guids[0]) < u32::MAX / 500);
        assert!(prefix(&guids[999]) > u32::MAX / 1000 * 999);
        // Still shaped as version 4 GUIDs.
        assert!(guids.iter().all(|g| g.get_version_num() == 4));
    }

    #[test]
    fn tenants_come_in_ascending_order_through_the_run() {
        let batches = all_claims(options(5_000, 9), 1_000);
        let tenants: Vec<Uuid> = batches
            .iter()
            .flat_map(|b| b.tenants.iter().map(|t| t.tenant_id))
            .collect();
        assert!(tenants.len() > 3_000);
        assert!(tenants.windows(2).all(|w| w[0] < w[1]));
        let first = tenants[0].as_bytes()[0];
        let last = tenants[tenants.len() - 1].as_bytes()[0];
        assert!(first < 0x08 && last > 0xf7, "spread {first:#x}..{last:#x}");
    }

    use chrono::TimeZone;
}
