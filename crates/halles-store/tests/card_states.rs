//! The card state machine, cell by cell: every row of the table in `docs/coupons-cards.md`
//! (state × action × who) is played on a fresh card, on SQLite and PostgreSQL, and must answer
//! what the table says (the new status, or the refusal's code).

mod support;

use halles_core::coupons::{CardStatus, ProgramRole};
use halles_core::money::Cents;
use halles_core::organizations::OrgKind;
use halles_core::{CardId, OrgId, ProductGroupId, ProgramId};
use halles_store::coupons::{
    CardLookup, FundSource, ParticipantInput, ProgramScope, ProgramSettings, RedemptionInput,
};
use halles_store::{Store, StoreError};
use jiff::civil::date;
use support::{at, scope, season};

const RESERVE: Option<FundSource> = Some(FundSource::Reserve);

/// A table of the document (see [`support::doc_table`]).
fn table(name: &str) -> Vec<Vec<String>> {
    support::doc_table(name)
}

struct World {
    operator: OrgId,
    partner: OrgId,
    market: OrgId,
    program: ProgramId,
    fruits: ProductGroupId,
    loyalty: ProductGroupId,
    people: std::cell::Cell<u32>,
}

impl World {
    async fn new(store: &Store) -> World {
        let operator = support::org(store, OrgKind::ProgramOperator, "Collectif").await;
        let partner = support::org(store, OrgKind::PartnerOrg, "Entraide").await;
        let market = support::org(store, OrgKind::Market, "Marché").await;
        let program = store
            .create_program(&scope(operator), &season())
            .await
            .unwrap();
        let op = store
            .operated_program(&scope(operator), program)
            .await
            .unwrap();
        for (m, r) in [
            (partner, ProgramRole::Partner),
            (market, ProgramRole::Market),
        ] {
            store.add_program_member(&op, m, r).await.unwrap();
        }
        store
            .set_reserve_budget(&op, Cents(1_000_000_000))
            .await
            .unwrap();
        store.create_card_batch(&op, 900).await.unwrap();
        let groups = store.product_groups(program).await.unwrap();
        World {
            operator,
            partner,
            market,
            program,
            fruits: groups[0].id,
            loyalty: groups.iter().find(|g| g.is_loyalty).unwrap().id,
            people: std::cell::Cell::new(0),
        }
    }

    async fn op(&self, store: &Store) -> ProgramScope {
        store
            .operated_program(&scope(self.operator), self.program)
            .await
            .unwrap()
    }

    async fn partner(&self, store: &Store) -> ProgramScope {
        store
            .program_access(&scope(self.partner), self.program)
            .await
            .unwrap()
    }

    /// Lets partners give cards, or not.
    async fn partners_manage(&self, store: &Store, yes: bool) {
        let p = store.program_by_id(self.program).await.unwrap();
        let mut settings = ProgramSettings::from(&p);
        settings.partners_assign_cards = yes;
        store
            .update_program(&self.op(store).await, &settings)
            .await
            .unwrap();
    }

    /// A new participant of the partner, without a card.
    async fn person(&self, store: &Store) -> halles_core::ParticipantId {
        let n = self.people.get() + 1;
        self.people.set(n);
        let t = store.participant_types(self.program).await.unwrap()[0].id;
        store
            .create_participant(
                &self.partner(store).await,
                &ParticipantInput {
                    participant_type: Some(t),
                    id1: format!("P-{n}"),
                    name: format!("Personne {n}"),
                    consent_on: Some(date(2026, 5, 20)),
                    consent_purpose: "Programme".into(),
                    ..ParticipantInput::default()
                },
            )
            .await
            .unwrap()
            .id
    }

    async fn free_card(&self, store: &Store) -> CardId {
        store
            .cards(&self.op(store).await, Some(CardStatus::Unassigned), None)
            .await
            .unwrap()[0]
            .id
    }

    async fn spend(&self, store: &Store, card: CardId, cents: i64) -> Result<(), StoreError> {
        let number = store
            .find_card_by_id(&scope(self.market), card)
            .await?
            .number;
        store
            .redeem(
                &scope(self.market),
                &RedemptionInput {
                    card: CardLookup::Number(number),
                    register: None,
                    lines: vec![(self.fruits, Cents(cents))],
                    pin: None,
                },
            )
            .await
            .map(drop)
    }

    /// A card in the table's state, made by the operator.
    async fn card_in(&self, store: &Store, state: &str) -> CardId {
        let op = self.op(store).await;
        let card = self.free_card(store).await;
        let held = async || {
            let who = self.person(store).await;
            let number = store
                .find_card_by_id(&scope(self.operator), card)
                .await
                .unwrap()
                .number;
            store.assign_card(&op, who, Some(&number)).await.unwrap();
            store
                .adjust_funds(&op, card, self.fruits, Cents(1000), RESERVE, "charge")
                .await
                .unwrap();
        };
        match state {
            "unassigned" => {}
            "assigned" => held().await,
            "disabled" => {
                held().await;
                store.set_card_enabled(&op, card, false).await.unwrap();
            }
            "lost" => {
                held().await;
                store.replace_lost_card(&op, card, None).await.unwrap();
            }
            "gift" | "gift emptied" | "disabled gift" => {
                store
                    .load_gift_card(&op, card, Cents(1000), "cadeau")
                    .await
                    .unwrap();
                if state == "gift emptied" {
                    self.spend(store, card, 1000).await.unwrap();
                }
                if state == "disabled gift" {
                    store.set_card_enabled(&op, card, false).await.unwrap();
                }
            }
            other => panic!("unknown state {other}"),
        }
        card
    }

    /// Plays `action` on `card` as `ps`; the outcome as the table writes it.
    async fn play(&self, store: &Store, ps: &ProgramScope, card: CardId, action: &str) -> String {
        let r = match action {
            "assign" => {
                let who = self.person(store).await;
                let number = store
                    .find_card_by_id(&scope(self.operator), card)
                    .await
                    .unwrap()
                    .number;
                store.assign_card(ps, who, Some(&number)).await.map(drop)
            }
            "take back" => store.unassign_card(ps, card).await,
            "disable" => store.set_card_enabled(ps, card, false).await,
            "enable" => store.set_card_enabled(ps, card, true).await,
            "report lost" => store.replace_lost_card(ps, card, None).await.map(drop),
            "found" => store.unlock_lost_card(ps, card).await,
            "gift" => store.load_gift_card(ps, card, Cents(500), "cadeau").await,
            "manual load" => {
                let group = if self.holder(store, card).await {
                    self.fruits
                } else {
                    self.loyalty
                };
                store
                    .adjust_funds(ps, card, group, Cents(500), RESERVE, "charge")
                    .await
            }
            "correct" => {
                let group = if self.holder(store, card).await {
                    self.fruits
                } else {
                    self.loyalty
                };
                store
                    .adjust_funds(ps, card, group, Cents(-100), None, "correction")
                    .await
            }
            "spend" => self.spend(store, card, 100).await,
            other => panic!("unknown action {other}"),
        };
        match r {
            Ok(()) => {
                let c = store
                    .find_card_by_id(&scope(self.operator), card)
                    .await
                    .unwrap();
                format!("→ {}", c.status.code())
            }
            Err(StoreError::Refused(r)) => r.code().to_owned(),
            Err(StoreError::Invalid(f)) => f[0].code.to_string(),
            Err(StoreError::NotFound) => "not_found".to_owned(),
            Err(StoreError::Insufficient(_)) => "insufficient_funds".to_owned(),
            Err(e) => format!("error {e:?}"),
        }
    }

    async fn holder(&self, store: &Store, card: CardId) -> bool {
        store
            .find_card_by_id(&scope(self.operator), card)
            .await
            .unwrap()
            .participant
            .is_some()
    }
}

#[tokio::test]
async fn every_cell_of_the_card_state_table_answers_as_documented() {
    let cells = table("card-table");
    let spend = table("spend-table");
    assert!(
        cells.len() >= 60 && spend.len() >= 7,
        "the tables were read"
    );
    support::on_every_db(at("2026-06-10T16:00:00Z"), |store, _clock| {
        let (cells, spend) = (cells.clone(), spend.clone());
        async move {
            let w = World::new(&store).await;
            let mut wrong = Vec::new();
            // The operator and a partner where partners give cards...
            w.partners_manage(&store, true).await;
            for row in &cells {
                let (state, action) = (&row[0], &row[1]);
                for (who, expected) in [("operator", &row[2]), ("partner", &row[3])] {
                    let card = w.card_in(&store, state).await;
                    let ps = if who == "operator" {
                        w.op(&store).await
                    } else {
                        w.partner(&store).await
                    };
                    let got = w.play(&store, &ps, card, action).await;
                    if &got != expected {
                        wrong.push(format!(
                            "{state} × {action} × {who}: {got}, table says {expected}"
                        ));
                    }
                }
            }
            // ...the same partner where the operator manages cards...
            w.partners_manage(&store, false).await;
            for row in &cells {
                let card = w.card_in(&store, &row[0]).await;
                let got = w
                    .play(&store, &w.partner(&store).await, card, &row[1])
                    .await;
                if got != row[4] {
                    wrong.push(format!(
                        "{} × {} × partner, operator manages: {got}, table says {}",
                        row[0], row[1], row[4]
                    ));
                }
            }
            // ...and a market's register.
            for row in &spend {
                let card = w.card_in(&store, &row[0]).await;
                let got = w.play(&store, &w.op(&store).await, card, "spend").await;
                if got != row[1] {
                    wrong.push(format!(
                        "{} × spend × market: {got}, table says {}",
                        row[0], row[1]
                    ));
                }
            }
            assert!(
                wrong.is_empty(),
                "{} cells differ:\n{}",
                wrong.len(),
                wrong.join("\n")
            );
            // Through it all, every cent on a card came from the reserve.
            let check = store.funds_check(w.program).await.unwrap();
            assert!(check.balanced(), "{check:?}");
        }
    })
    .await;
}
