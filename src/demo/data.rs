//! The demo claims, one `Spec` each; the comment on each says what it is there to show.
//! Tenants: 0 Contoso Pharma, 1 Fabrikam Residences, 2 Woodgrove Bank (incumbent on Finance),
//! 3 Alpine Ski House, 4 Lucerne Publishing, 5 Tailwind Traders, 8 World Wide Importers (unknown).

use super::{Spec, Sub};
use crate::domain::SlaState::{Breached, Ok as Fine, Warning};

const SIGNED_SOW: (&str, &str) = (
    "Signed statement of work",
    "SOW for the Dynamics 365 Sales rollout, signed by the customer's CIO",
);
const WORKSHOP: (&str, &str) = (
    "Workshop attendance",
    "Two-day envisioning workshop with the customer's sales leadership",
);
const DEPLOYMENT: (&str, &str) = (
    "Deployment report",
    "Production deployment and user onboarding report",
);
const EMAIL: (&str, &str) = (
    "Customer email confirmation",
    "Customer confirms the partner's role in the project",
);

const fn spec(partner: &'static str, mpn: &'static str, tenant: usize) -> Spec {
    Spec {
        partner,
        mpn,
        tenant,
        domain: None,
        ba: true,
        activity: "usage",
        product: "Dynamics 365 Sales",
        sub: Sub::None,
        channel: "volume_licensing",
        status: "under_review",
        sla: (Fine, 4),
        poe: &[DEPLOYMENT],
        comments: &[],
    }
}

/// The 26 demo claims, numbered DEMO-0001.. in this order.
pub(super) fn claims() -> Vec<Spec> {
    vec![
        // 1-3: a three-party contest for Contoso Pharma's Dynamics 365 Sales.
        Spec {
            activity: "presales",
            sub: Sub::Known(0),
            sla: (Warning, 1),
            poe: &[SIGNED_SOW, WORKSHOP],
            comments: &[
                (
                    "partner",
                    "reviewer",
                    "Thank you, we are reviewing your PoE.",
                ),
                (
                    "internal",
                    "reviewer",
                    "Three parties on this tenant; compare the SOW dates.",
                ),
            ],
            ..spec("Société Générale Conseil", "5100001", 0)
        },
        Spec {
            sub: Sub::Known(0),
            sla: (Fine, 2),
            ..spec("Müller IT GmbH", "5100002", 0)
        },
        Spec {
            activity: "presales",
            // Braces and capitals: forgiven, it is still the right subscription.
            sub: Sub::Braced(0),
            status: "info_requested",
            // Asked ten days ago and never answered: "no reply" in the Info requested tab.
            sla: (Breached, 24 * 10),
            poe: &[WORKSHOP, EMAIL, DEPLOYMENT],
            comments: &[(
                "partner",
                "reviewer",
                "Please send a PoE signed by the customer that names Dynamics 365 Sales.",
            )],
            ..spec("株式会社フジ", "5100003", 0)
        },
        // 4-5: a two-party contest for Fabrikam's Microsoft Teams.
        Spec {
            ba: false,
            product: "Microsoft Teams",
            channel: "web_direct",
            sla: (Breached, 24 * 8),
            ..spec("Contoso Consulting", "5100004", 1)
        },
        Spec {
            ba: false,
            product: "Microsoft Teams",
            channel: "web_direct",
            status: "submitted",
            sla: (Fine, 1),
            poe: &[EMAIL],
            ..spec("Northwind Solutions", "5100005", 1)
        },
        // 6: contested by an incumbent association (Adatum Partners holds Woodgrove's Finance).
        Spec {
            activity: "presales",
            product: "Dynamics 365 Finance",
            sub: Sub::Known(5),
            sla: (Warning, 6),
            poe: &[SIGNED_SOW],
            ..spec("Litware Digital", "5100006", 2)
        },
        // 7: domain_tenant_mismatch.
        Spec {
            ba: false,
            product: "Exchange Online",
            channel: "csp",
            domain: Some("contosopharma-eu.onmicrosoft.com"),
            sla: (Fine, 20),
            ..spec("Proseware Cloud Services", "5100007", 0)
        },
        // 8: product_not_on_tenant (and a GUID the customer does not have).
        Spec {
            product: "Dynamics 365 Field Service",
            sub: Sub::Typed("3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
            sla: (Breached, 24 * 9),
            ..spec("Tailspin Technologies", "5100008", 2)
        },
        // 9: subscription_not_on_tenant (Contoso Pharma's subscription claimed on Fabrikam).
        Spec {
            product: "Dynamics 365 Customer Service",
            sub: Sub::Known(2),
            channel: "web_direct",
            sla: (Fine, 10),
            ..spec("Wingtip Advisory", "5100009", 1)
        },
        // 10: subscription_not_dynamics and subscription_product_mismatch (the tenant's
        // Exchange subscription typed for a Business Central claim).
        Spec {
            product: "Dynamics 365 Business Central",
            sub: Sub::Known(8),
            sla: (Fine, 26),
            ..spec("Ølstad Rådgivning AS", "5100011", 3)
        },
        // 11: subscription_ended.
        Spec {
            activity: "revenue_association",
            product: "Dynamics 365 Business Central",
            sub: Sub::Known(15),
            channel: "web_direct",
            sla: (Breached, 24 * 12),
            ..spec("Çelik Bilişim A.Ş.", "5100013", 4)
        },
        // 12: subscription_is_csp.
        Spec {
            product: "Dynamics 365 Supply Chain Management",
            sub: Sub::Known(9),
            channel: "web_direct",
            sla: (Warning, 3),
            ..spec("Núñez & Asociados S.L.", "5100014", 4)
        },
        // 13: subscription_not_provisioned.
        Spec {
            product: "Dynamics 365 Field Service",
            sub: Sub::Known(10),
            sla: (Fine, 8),
            ..spec("Łódź Cloud Sp. z o.o.", "5100015", 4)
        },
        // 14-15: subscription_already_claimed: 14 was approved on the same subscription, which
        // made Fourth Coffee the incumbent 15 competes with.
        Spec {
            sub: Sub::Known(13),
            status: "approved",
            sla: (Breached, 24 * 15),
            poe: &[SIGNED_SOW, DEPLOYMENT],
            ..spec("Fourth Coffee Partners", "5100016", 5)
        },
        Spec {
            sub: Sub::Known(13),
            sla: (Fine, 12),
            comments: &[(
                "internal",
                "lead",
                "Subscription already approved for Fourth Coffee; likely a reject.",
            )],
            ..spec("Relecloud Systems", "5100017", 5)
        },
        // 16: not_a_subscription_id (a purchase order number typed instead).
        Spec {
            sub: Sub::Typed("PO-4471-2026"),
            sla: (Fine, 28),
            ..spec("Trey Research Partners", "5100018", 4)
        },
        // 17: activity_not_applicable (Microsoft 365 is Usage only).
        Spec {
            ba: false,
            activity: "presales",
            product: "Exchange Online",
            channel: "web_direct",
            sla: (Breached, 24 * 7),
            ..spec("Blue Yonder Consulting", "5100020", 1)
        },
        // 18: channel_not_eligible (a BA activity on a CSP purchase).
        Spec {
            product: "Dynamics 365 Customer Service",
            sub: Sub::Known(14),
            channel: "csp",
            sla: (Fine, 14),
            ..spec("Coho Solutions", "5100019", 5)
        },
        // 19: mpn_not_enrolled (Müller's second MPN).
        Spec {
            ba: false,
            product: "Microsoft Intune",
            channel: "web_direct",
            sla: (Warning, 2),
            ..spec("Müller IT GmbH", "5100012", 4)
        },
        // 20: a tenant unknown to the reference data: checks show as unknown, not passed.
        Spec {
            activity: "presales",
            sub: Sub::Typed("9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"),
            sla: (Fine, 5),
            ..spec("Wide World Partners", "5100021", 8)
        },
        // 21: an MPN unknown to the reference data.
        Spec {
            ba: false,
            product: "SharePoint Online",
            channel: "web_direct",
            sla: (Fine, 18),
            ..spec("Humongous Digital", "5199999", 1)
        },
        // 22: rejected.
        Spec {
            ba: false,
            product: "Exchange Online",
            status: "rejected",
            sla: (Breached, 24 * 16),
            comments: &[(
                "partner",
                "reviewer",
                "Rejected: the PoE does not name Exchange Online.",
            )],
            ..spec("Lamna Advisory", "5100022", 2)
        },
        // 23: withdrawn by the partner.
        Spec {
            ba: false,
            product: "Exchange Online",
            status: "withdrawn",
            sla: (Breached, 24 * 11),
            ..spec("Margie's Digital", "5100023", 3)
        },
        // 24: a clean Microsoft 365 claim.
        Spec {
            ba: false,
            product: "Exchange Online",
            sla: (Fine, 9),
            poe: &[DEPLOYMENT, EMAIL],
            ..spec("VanArsdel Solutions", "5100024", 2)
        },
        // 25: a clean Business Applications claim on a subscription in grace.
        Spec {
            activity: "presales",
            product: "Dynamics 365 Customer Service",
            sub: Sub::Known(2),
            channel: "web_direct",
            sla: (Fine, 22),
            poe: &[WORKSHOP],
            ..spec("Adatum Partners", "5100010", 0)
        },
        // 26: Müller under its second MPN and a subsidiary's name (one partner_id): one party
        // with its claim 2 in the contest for Contoso Pharma's Sales, not a fourth.
        Spec {
            sub: Sub::Known(0),
            sla: (Fine, 3),
            poe: &[WORKSHOP],
            ..spec("Müller IT Services GmbH", "5100012", 0)
        },
    ]
}
