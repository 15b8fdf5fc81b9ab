//! The accounting journal a hub exports: the accounts its entries name (each hub names them as
//! its chart of accounts does, [`Account::default_name`] otherwise), and the rule every entry
//! keeps: its debits equal its credits.

use crate::money::Cents;
use crate::taxes::{TaxClass, TaxCodes};
use serde::{Deserialize, Serialize};

/// The longest account name.
pub const MAX_ACCOUNT: usize = 100;

/// An account the journal writes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Account {
    /// What buyers owe (debited by invoices, credited by credit notes and payments).
    Receivables,
    /// Where payments are received and payouts paid from.
    Bank,
    /// Sales of goods taxable for GST or QST.
    SalesTaxable,
    /// Sales of zero-rated goods.
    SalesZeroRated,
    /// Sales of exempt goods.
    SalesExempt,
    /// Discounts given on invoices.
    Discounts,
    /// Delivery fees charged.
    Delivery,
    /// Deposits charged (owed back when returned).
    Deposits,
    /// GST collected.
    GstPayable,
    /// QST collected.
    QstPayable,
    /// What the hub owes producers (credited by statements, debited by payouts).
    ProducersPayable,
    /// The goods bought from producers, at their prices (the hub's commission is what sales
    /// leave above it).
    ProducerPurchases,
    /// Losses and donations the hub bears, paid to producers.
    Losses,
}

impl Account {
    /// Every account, in the order the settings show them.
    pub const ALL: [Account; 13] = [
        Account::Receivables,
        Account::Bank,
        Account::SalesTaxable,
        Account::SalesZeroRated,
        Account::SalesExempt,
        Account::Discounts,
        Account::Delivery,
        Account::Deposits,
        Account::GstPayable,
        Account::QstPayable,
        Account::ProducersPayable,
        Account::ProducerPurchases,
        Account::Losses,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Account::Receivables => "receivables",
            Account::Bank => "bank",
            Account::SalesTaxable => "sales_taxable",
            Account::SalesZeroRated => "sales_zero_rated",
            Account::SalesExempt => "sales_exempt",
            Account::Discounts => "discounts",
            Account::Delivery => "delivery",
            Account::Deposits => "deposits",
            Account::GstPayable => "gst_payable",
            Account::QstPayable => "qst_payable",
            Account::ProducersPayable => "producers_payable",
            Account::ProducerPurchases => "producer_purchases",
            Account::Losses => "losses",
        }
    }

    /// The name a hub that named none gets: a usual name in a Québec chart of accounts, without
    /// a number (QuickBooks Online's journal import matches accounts by name).
    pub fn default_name(self) -> &'static str {
        match self {
            Account::Receivables => "Comptes clients",
            Account::Bank => "Encaisse",
            Account::SalesTaxable => "Ventes taxables",
            Account::SalesZeroRated => "Ventes détaxées",
            Account::SalesExempt => "Ventes exonérées",
            Account::Discounts => "Escomptes sur ventes",
            Account::Delivery => "Revenus de livraison",
            Account::Deposits => "Consignes",
            Account::GstPayable => "TPS à payer",
            Account::QstPayable => "TVQ à payer",
            Account::ProducersPayable => "Comptes fournisseurs - producteurs",
            Account::ProducerPurchases => "Achats auprès des producteurs",
            Account::Losses => "Pertes de marchandises",
        }
    }
}

impl std::str::FromStr for Account {
    type Err = crate::organizations::UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Account::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| crate::organizations::UnknownCode(s.to_owned()))
    }
}

/// The sales account of goods with these statuses: taxable when either tax applies, exempt
/// when both are exempt, zero-rated otherwise.
pub fn sales_account(codes: TaxCodes) -> Account {
    use TaxClass::{Exempt, Taxable};
    match (codes.gst, codes.qst) {
        (Taxable, _) | (_, Taxable) => Account::SalesTaxable,
        (Exempt, Exempt) => Account::SalesExempt,
        _ => Account::SalesZeroRated,
    }
}

/// One side of an entry: an account debited (positive) or credited (negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    /// The account.
    pub account: Account,
    /// Debit when positive, credit when negative.
    pub amount: Cents,
}

/// The postings of an entry, without those of zero, merged per account in the order given
/// (a debit and a credit of one account net out): `None` when they do not balance.
pub fn balanced(postings: &[Posting]) -> Option<Vec<Posting>> {
    let mut out: Vec<Posting> = Vec::with_capacity(postings.len());
    for p in postings {
        match out.iter_mut().find(|o| o.account == p.account) {
            Some(o) => o.amount += p.amount,
            None => out.push(*p),
        }
    }
    out.retain(|p| p.amount.0 != 0);
    (out.iter().map(|p| p.amount.0).sum::<i64>() == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_and_defaults_are_distinct() {
        for a in Account::ALL {
            assert_eq!(a.code().parse::<Account>().unwrap(), a);
        }
        let mut names: Vec<_> = Account::ALL.iter().map(|a| a.default_name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Account::ALL.len());
        assert!(names.iter().all(|n| n.len() <= MAX_ACCOUNT));
    }

    #[test]
    fn goods_go_to_the_sales_account_of_their_statuses() {
        use TaxClass::*;
        let c = |gst, qst| TaxCodes { gst, qst };
        assert_eq!(sales_account(c(Taxable, Taxable)), Account::SalesTaxable);
        // Muffins: GST taxable, QST zero-rated since 2026-07-15.
        assert_eq!(sales_account(c(Taxable, ZeroRated)), Account::SalesTaxable);
        assert_eq!(
            sales_account(c(ZeroRated, ZeroRated)),
            Account::SalesZeroRated
        );
        assert_eq!(sales_account(c(Exempt, ZeroRated)), Account::SalesZeroRated);
        assert_eq!(sales_account(c(Exempt, Exempt)), Account::SalesExempt);
    }

    #[test]
    fn an_entry_balances_or_is_refused() {
        let p = |account, c| Posting {
            account,
            amount: Cents(c),
        };
        let entry = balanced(&[
            p(Account::Receivables, 11_497),
            p(Account::SalesTaxable, -10_000),
            p(Account::Delivery, 0),
            p(Account::GstPayable, -500),
            p(Account::QstPayable, -997),
        ])
        .unwrap();
        assert_eq!(entry.len(), 4);
        assert!(balanced(&[p(Account::Receivables, 100), p(Account::Bank, -99)]).is_none());
        // One account on both sides nets out.
        let netted = balanced(&[
            p(Account::SalesTaxable, -500),
            p(Account::SalesTaxable, 200),
            p(Account::Receivables, 300),
        ])
        .unwrap();
        assert_eq!(netted[0].amount, Cents(-300));
    }
}
