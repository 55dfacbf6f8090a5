//! Reference data (tenants, MPNs, associations) as an import finds it and leaves it, so every
//! change is audited with what was stored before and what is stored after. Read, not inferred
//! from the import lines: a tenant line that takes a subscription from another tenant changes
//! that other tenant too, and the log says so.

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use super::db::{Exec, Sql};
use super::reads::{read_mpns, read_tenants};
use super::rows::FactsIndex;
use super::{ImportBatch, StoreError};
use crate::domain::{product_key, Association, Mpn, Tenant};
use crate::model::EventKind;

/// Which reference rows an import may change.
#[derive(Debug, Default, Clone)]
pub(crate) struct Keys {
    tenants: BTreeSet<Uuid>,
    mpns: BTreeSet<String>,
    associations: BTreeSet<(Uuid, String)>,
}

/// Reference rows as stored at one moment.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    tenants: BTreeMap<Uuid, Tenant>,
    mpns: BTreeMap<String, Mpn>,
    associations: BTreeMap<(Uuid, String), Association>,
}

/// The rows `batch` may change: its own tenants, MPNs and associations, and the tenants that
/// now hold a subscription one of its tenant lines names.
pub(crate) async fn keys(db: &mut impl Exec, batch: &ImportBatch) -> Result<Keys, StoreError> {
    let mut keys = Keys {
        tenants: batch.tenants.iter().map(|t| t.tenant_id).collect(),
        mpns: batch.mpns.iter().map(|m| m.mpn_id.clone()).collect(),
        associations: batch
            .associations
            .iter()
            .map(|a| (a.tenant_id, product_key(&a.product)))
            .collect(),
    };
    let subscriptions: Vec<Uuid> = batch
        .tenants
        .iter()
        .flat_map(|t| t.subscriptions.iter().map(|s| s.subscription_id))
        .collect();
    if !subscriptions.is_empty() {
        let sql = Sql::new(
            "SELECT DISTINCT tenant_id FROM subscriptions WHERE subscription_id IN_LIST($1)",
        )
        .arg(subscriptions);
        for row in db.fetch_all(sql).await? {
            keys.tenants.insert(row.guid(0)?);
        }
    }
    Ok(keys)
}

impl Snapshot {
    /// The partner id stored for `mpn_id` (`None` too when the MPN is not stored).
    pub fn partner_id(&self, mpn_id: &str) -> Option<&str> {
        self.mpns.get(mpn_id).and_then(|m| m.partner_id.as_deref())
    }
}

impl Keys {
    /// Adds associations the import writes beyond its own lines (implied by approved claims).
    pub fn add_associations(&mut self, associations: &[Association]) {
        self.associations.extend(
            associations
                .iter()
                .map(|a| (a.tenant_id, product_key(&a.product))),
        );
    }

    /// Only the rows `before` holds: a generated batch is audited by its summary event, except
    /// where it changed data that was already stored.
    pub fn stored_in(&self, before: &Snapshot) -> Keys {
        Keys {
            tenants: before.tenants.keys().copied().collect(),
            mpns: before.mpns.keys().cloned().collect(),
            associations: before.associations.keys().cloned().collect(),
        }
    }
}

/// The stored rows among `keys`.
pub(crate) async fn snapshot(db: &mut impl Exec, keys: &Keys) -> Result<Snapshot, StoreError> {
    let mut index = FactsIndex::default();
    read_tenants(db, keys.tenants.iter().copied().collect(), &mut index).await?;
    read_mpns(db, keys.mpns.iter().cloned().collect(), &mut index).await?;
    let mut snapshot = Snapshot {
        tenants: index.tenants.into_iter().collect(),
        mpns: index.mpns.into_iter().collect(),
        associations: BTreeMap::new(),
    };
    let tenants: BTreeSet<Uuid> = keys.associations.iter().map(|(t, _)| *t).collect();
    if !tenants.is_empty() {
        let sql = Sql::new(
            "SELECT tenant_id, product_key, product, mpn_id, claim_id FROM associations
             WHERE tenant_id IN_LIST($1)",
        )
        .arg(tenants.into_iter().collect::<Vec<_>>());
        for row in db.fetch_all(sql).await? {
            let key = (row.guid(0)?, row.text(1)?);
            if keys.associations.contains(&key) {
                let association = Association {
                    tenant_id: key.0,
                    product: row.text(2)?,
                    mpn_id: row.text(3)?,
                    claim_id: row.opt_text(4)?,
                };
                snapshot.associations.insert(key, association);
            }
        }
    }
    Ok(snapshot)
}

/// One audit event per row that differs between `before` and `after`, in key order.
pub(crate) fn changes(before: &Snapshot, after: &Snapshot) -> Vec<EventKind> {
    let mut events = Vec::new();
    differ(
        &before.tenants,
        &after.tenants,
        &mut events,
        |before, after| EventKind::TenantChanged { before, after },
    );
    differ(&before.mpns, &after.mpns, &mut events, |before, after| {
        EventKind::MpnChanged { before, after }
    });
    differ(
        &before.associations,
        &after.associations,
        &mut events,
        |before, after| EventKind::AssociationChanged { before, after },
    );
    events
}

/// Appends `event(was, now)` for each row of `after` that `before` lacks or holds otherwise.
fn differ<K: Ord, V: Clone + PartialEq>(
    before: &BTreeMap<K, V>,
    after: &BTreeMap<K, V>,
    events: &mut Vec<EventKind>,
    event: impl Fn(Option<V>, V) -> EventKind,
) {
    for (key, now) in after {
        let was = before.get(key);
        if was != Some(now) {
            events.push(event(was.cloned(), now.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rows_that_differ_are_audited_with_before_and_after() {
        let tenant = Tenant {
            tenant_id: Uuid::from_u128(1),
            domains: vec!["a.onmicrosoft.com".into()],
            subscriptions: Vec::new(),
        };
        let mpn = Mpn {
            mpn_id: "1".into(),
            partner: "Fabrikam".into(),
            enrolled: true,
            partner_type: None,
            partner_id: None,
        };
        let mut before = Snapshot::default();
        before.tenants.insert(tenant.tenant_id, tenant.clone());
        before.mpns.insert("1".into(), mpn.clone());
        let mut after = Snapshot::default();
        after.tenants.insert(tenant.tenant_id, tenant.clone());
        let unenrolled = Mpn {
            enrolled: false,
            ..mpn.clone()
        };
        after.mpns.insert("1".into(), unenrolled.clone());
        let association = Association {
            tenant_id: tenant.tenant_id,
            product: "Exchange Online".into(),
            mpn_id: "1".into(),
            claim_id: None,
        };
        after.associations.insert(
            (tenant.tenant_id, "exchange online".into()),
            association.clone(),
        );
        assert_eq!(
            changes(&before, &after),
            vec![
                EventKind::MpnChanged {
                    before: Some(mpn),
                    after: unenrolled,
                },
                EventKind::AssociationChanged {
                    before: None,
                    after: association,
                },
            ]
        );
    }
}
