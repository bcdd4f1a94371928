//! The canonical keys of spec §3: every row, column and section of the statutory report has a
//! stable snake_case key. Keys are the contract between the model, canonical JSON, the checks,
//! the renderers, the reader and the case records, so they live in one place.

use std::fmt;
use std::str::FromStr;

/// Declares a key enum with its canonical key string. Declaration order is template order, and
/// the derived `Ord` follows it, so sorted collections of keys come out in statutory order.
macro_rules! keyed_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $key:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant,)* }

        impl $name {
            /// Every value, in template order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The canonical key (spec §3).
            pub const fn key(self) -> &'static str {
                match self { $($name::$variant => $key,)* }
            }

            /// The value whose canonical key is `key`.
            pub fn from_key(key: &str) -> Option<Self> {
                match key { $($key => Some($name::$variant),)* _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.key())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.key())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let key = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::from_key(&key).ok_or_else(|| {
                    serde::de::Error::custom(format!("unknown {} key: {key}", stringify!($name)))
                })
            }
        }
    };
}

keyed_enum! {
    /// Rows of table 二 (proactive disclosure, 第二十条).
    T2Row {
        Regulations => "regulations",
        NormativeDocs => "normative_docs",
        AdminLicensing => "admin_licensing",
        OtherExternalServices => "other_external_services",
        AdminPenalty => "admin_penalty",
        AdminCompulsion => "admin_compulsion",
        AdminFees => "admin_fees",
        CentralProcurement => "central_procurement",
    }
}

keyed_enum! {
    /// Columns of table 二; which ones a row has depends on the format (see `template`).
    T2Col {
        MadeNew => "made_new",
        PublishedNew => "published_new",
        PublishedTotal => "published_total",
        ItemsPrevYear => "items_prev_year",
        ItemsChange => "items_change",
        Issued => "issued",
        Repealed => "repealed",
        InForce => "in_force",
        Decisions => "decisions",
        ProcurementItems => "procurement_items",
        ProcurementAmount => "procurement_amount",
        AmountWanYuan => "amount_wan_yuan",
    }
}

keyed_enum! {
    /// Rows of table 三 (requests received and handled). Group rows (`三、本年度办理结果`,
    /// `（三）不予公开`, …) carry no figures and have no key.
    T3Row {
        NewReceived => "new_received",
        CarriedIn => "carried_in",
        RDisclosed => "r_disclosed",
        RPartial => "r_partial",
        NdStateSecret => "nd_state_secret",
        NdLawProhibited => "nd_law_prohibited",
        NdSecurityStability => "nd_security_stability",
        NdThirdParty => "nd_third_party",
        NdInternalAffairs => "nd_internal_affairs",
        NdProcessInfo => "nd_process_info",
        NdEnforcementFile => "nd_enforcement_file",
        NdAdminInquiry => "nd_admin_inquiry",
        NaNotHeld => "na_not_held",
        NaNeedsCreation => "na_needs_creation",
        NaUnclearAfterFix => "na_unclear_after_fix",
        NpPetition => "np_petition",
        NpRepeat => "np_repeat",
        NpPublication => "np_publication",
        NpMassUnjustified => "np_mass_unjustified",
        NpConfirmReissue => "np_confirm_reissue",
        /// 2019 `（六）其他处理` as one row; in a 2021 report only when printed in that layout.
        ROther => "r_other",
        OpNoCorrection => "op_no_correction",
        OpFeeUnpaid => "op_fee_unpaid",
        OpOther => "op_other",
        RTotal => "r_total",
        CarriedOut => "carried_out",
    }
}

keyed_enum! {
    /// Columns of table 三: the applicant kinds and the total. There is no subtotal column for
    /// 法人或其他组织 (spec §3.2).
    Applicant {
        NaturalPerson => "natural_person",
        OrgCommercial => "org_commercial",
        OrgResearch => "org_research",
        OrgPublicWelfare => "org_public_welfare",
        OrgLegalService => "org_legal_service",
        OrgOther => "org_other",
        Total => "total",
    }
}

keyed_enum! {
    /// The 15 columns of table 四 (reconsideration and litigation).
    T4Col {
        RevUpheld => "rev_upheld",
        RevCorrected => "rev_corrected",
        RevOther => "rev_other",
        RevPending => "rev_pending",
        RevTotal => "rev_total",
        LitDirectUpheld => "lit_direct_upheld",
        LitDirectCorrected => "lit_direct_corrected",
        LitDirectOther => "lit_direct_other",
        LitDirectPending => "lit_direct_pending",
        LitDirectTotal => "lit_direct_total",
        LitAfterRevUpheld => "lit_after_rev_upheld",
        LitAfterRevCorrected => "lit_after_rev_corrected",
        LitAfterRevOther => "lit_after_rev_other",
        LitAfterRevPending => "lit_after_rev_pending",
        LitAfterRevTotal => "lit_after_rev_total",
    }
}

keyed_enum! {
    /// The six sections every report has, in order (spec §1).
    Section {
        S1Overview => "s1_overview",
        S2Proactive => "s2_proactive",
        S3Requests => "s3_requests",
        S4ReviewLitigation => "s4_review_litigation",
        S5Problems => "s5_problems",
        S6Other => "s6_other",
    }
}

impl Applicant {
    /// The six applicant columns, without the total.
    pub const KINDS: [Applicant; 6] = [
        Applicant::NaturalPerson,
        Applicant::OrgCommercial,
        Applicant::OrgResearch,
        Applicant::OrgPublicWelfare,
        Applicant::OrgLegalService,
        Applicant::OrgOther,
    ];
}

/// The three groups of table 四: reconsideration, direct litigation, litigation after
/// reconsideration. Each has four outcome columns and a total.
pub const T4_GROUPS: [[T4Col; 5]; 3] = [
    [
        T4Col::RevUpheld,
        T4Col::RevCorrected,
        T4Col::RevOther,
        T4Col::RevPending,
        T4Col::RevTotal,
    ],
    [
        T4Col::LitDirectUpheld,
        T4Col::LitDirectCorrected,
        T4Col::LitDirectOther,
        T4Col::LitDirectPending,
        T4Col::LitDirectTotal,
    ],
    [
        T4Col::LitAfterRevUpheld,
        T4Col::LitAfterRevCorrected,
        T4Col::LitAfterRevOther,
        T4Col::LitAfterRevPending,
        T4Col::LitAfterRevTotal,
    ],
];

/// One figure of the report: `t2.<row>.<column>`, `t3.<row>.<column>` or `t4.<column>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CellKey {
    T2(T2Row, T2Col),
    T3(T3Row, Applicant),
    T4(T4Col),
}

impl fmt::Display for CellKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellKey::T2(r, c) => write!(f, "t2.{r}.{c}"),
            CellKey::T3(r, c) => write!(f, "t3.{r}.{c}"),
            CellKey::T4(c) => write!(f, "t4.{c}"),
        }
    }
}

/// A string that is not a cell key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("不是表格单元格的键（unknown cell key）: {0}")]
pub struct UnknownKey(pub String);

impl FromStr for CellKey {
    type Err = UnknownKey;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split('.').collect();
        let key = match parts.as_slice() {
            ["t2", r, c] => T2Row::from_key(r)
                .zip(T2Col::from_key(c))
                .map(|(r, c)| CellKey::T2(r, c)),
            ["t3", r, c] => T3Row::from_key(r)
                .zip(Applicant::from_key(c))
                .map(|(r, c)| CellKey::T3(r, c)),
            ["t4", c] => T4Col::from_key(c).map(CellKey::T4),
            _ => None,
        };
        key.ok_or_else(|| UnknownKey(s.to_owned()))
    }
}

impl serde::Serialize for CellKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_keys_round_trip_through_their_strings() {
        let mut all = Vec::new();
        for &r in T2Row::ALL {
            for &c in T2Col::ALL {
                all.push(CellKey::T2(r, c));
            }
        }
        for &r in T3Row::ALL {
            for &c in Applicant::ALL {
                all.push(CellKey::T3(r, c));
            }
        }
        all.extend(T4Col::ALL.iter().map(|&c| CellKey::T4(c)));
        for key in all {
            assert_eq!(key.to_string().parse::<CellKey>(), Ok(key));
        }
        assert_eq!(
            "t3.nd_third_party.total".parse::<CellKey>(),
            Ok(CellKey::T3(T3Row::NdThirdParty, Applicant::Total))
        );
        assert!("t3.nd_third_party".parse::<CellKey>().is_err());
        assert!("t5.x".parse::<CellKey>().is_err());
    }
}
