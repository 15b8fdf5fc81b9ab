//! Refusals: every rule that can refuse a change, with its stable machine code.
//!
//! The store answers `StoreError::Refused(Refusal)`; the pages show the message `err-{code}` of
//! the translation files and the API a problem document whose `code` is [`Refusal::code`]. The
//! API documentation lists [`Refusal::ALL`], so the documented codes are exactly these.

/// How a refusal is answered over HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// A rule of the domain or a state refused it (409 in the API).
    Rule,
    /// A value is beyond what the domain accepts (422).
    Invalid,
    /// The caller's kind of organization does not do this (403).
    Forbidden,
}

macro_rules! refusals {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $kind:ident; )*) => {
        /// A refusal with a stable code (see the module documentation).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Refusal {
            $( $(#[$doc])* $variant, )*
        }

        impl Refusal {
            /// Every refusal, in code order.
            pub const ALL: &'static [Refusal] = &[$(Refusal::$variant),*];

            /// The stable machine code (`snake_case`), also the suffix of its message key.
            pub const fn code(self) -> &'static str {
                match self { $(Refusal::$variant => $code,)* }
            }

            /// How it is answered over HTTP.
            pub const fn kind(self) -> RefusalKind {
                match self { $(Refusal::$variant => RefusalKind::$kind,)* }
            }

            /// The refusal with this code.
            pub fn from_code(code: &str) -> Option<Refusal> {
                match code { $($code => Some(Refusal::$variant),)* _ => None }
            }
        }
    };
}

refusals! {
    /// This payment is more than what is left to pay on the invoice.
    AllocationExceedsBalance = "allocation_exceeds_balance", Rule;
    /// The amounts allocated are more than what is left of the payment.
    AllocationExceedsPayment = "allocation_exceeds_payment", Rule;
    /// Off-platform funds run within the program's season: from its first day to its last.
    AllowanceOutsideProgram = "allowance_outside_program", Rule;
    /// This period is already claimed.
    AlreadyClaimed = "already_claimed", Rule;
    /// This person is already enrolled in this schedule.
    AlreadyEnrolled = "already_enrolled", Rule;
    /// This person already has a card.
    AlreadyHasCard = "already_has_card", Rule;
    /// This person is already a member of the organization.
    AlreadyMember = "already_member", Rule;
    /// This order already has this product.
    AlreadyOrdered = "already_ordered", Rule;
    /// This amount is above the maximum allowed: $100,000.00 per movement, line or price.
    AmountTooLarge = "amount_too_large", Invalid;
    /// This batch is already paid.
    BatchPaid = "batch_paid", Rule;
    /// Enter a number of cards between 1 and 5,000.
    BatchSize = "batch_size", Rule;
    /// The budget cannot go below what is already reserved and loaded.
    BelowCommitted = "below_committed", Rule;
    /// The order does not reach the minimum of this pickup point or zone.
    BelowMinimum = "below_minimum", Rule;
    /// A quantity is smaller than what has already been ordered.
    BelowReserved = "below_reserved", Rule;
    /// Save the hub's billing settings before issuing invoices.
    BillingNotSetUp = "billing_not_set_up", Rule;
    /// This amount is above the maximum allowed: $10,000,000.00 per budget, envelope or program.
    BudgetTooLarge = "budget_too_large", Invalid;
    /// This card is disabled.
    CardDisabled = "card_disabled", Rule;
    /// The card still holds funds: report it lost to move them.
    CardHasFunds = "card_has_funds", Rule;
    /// This card was reported lost.
    CardLost = "card_lost", Rule;
    /// In this program, the operator manages the cards: ask the operator.
    CardManagedByOperator = "card_managed_by_operator", Rule;
    /// This card is already given.
    CardNotFree = "card_not_free", Rule;
    /// This card cannot be used at this market: the person's organization sends them to other markets.
    CardOtherMarket = "card_other_market", Rule;
    /// This action is not possible in the card's current state.
    CardState = "card_state", Rule;
    /// This card has not been given to anyone yet.
    CardUnassigned = "card_unassigned", Rule;
    /// Give each line a case number from 1 to the number of cases (at most 200).
    CasesInvalid = "cases_invalid", Invalid;
    /// Choose a value from the list.
    ChoiceInvalid = "choice_invalid", Rule;
    /// This claim was already dealt with.
    ClaimDecided = "claim_decided", Rule;
    /// A ticked claim is not approved, or is already in a batch.
    ClaimNotApproved = "claim_not_approved", Rule;
    /// The cut-off must come after the opening.
    ClosesBeforeOpening = "closes_before_opening", Rule;
    /// Try again.
    CodeCollision = "code_collision", Rule;
    /// Another operation just changed this card; try again.
    ConcurrentUpdate = "concurrent_update", Rule;
    /// Give the date and purpose of consent.
    ConsentRequired = "consent_required", Rule;
    /// This credit note would credit more than the invoice.
    CreditExceedsInvoice = "credit_exceeds_invoice", Rule;
    /// This line cannot be credited beyond what is left of it.
    CreditExceedsLine = "credit_exceeds_line", Rule;
    /// A credit note credits at least one line.
    CreditNoteEmpty = "credit_note_empty", Invalid;
    /// The cut-off has passed: give a new cut-off in the future to open ordering again.
    CutOffPassed = "cut_off_passed", Rule;
    /// This cycle is closed.
    CycleClosed = "cycle_closed", Rule;
    /// A completed cycle can no longer be changed.
    CycleCompleted = "cycle_completed", Rule;
    /// Ordering is closed for this cycle.
    CycleNotOpen = "cycle_not_open", Rule;
    /// Orders are still being taken: this comes after the cut-off.
    CycleStillOpen = "cycle_still_open", Rule;
    /// Enter a valid date (YYYY-MM-DD).
    DateInvalid = "date_invalid", Rule;
    /// The last delivery day cannot come before the day of the cut-off.
    DeliveryDayBeforeCutOff = "delivery_day_before_cut_off", Invalid;
    /// Orders are delivered on this day: it cannot be removed.
    DeliveryDayInUse = "delivery_day_in_use", Rule;
    /// Choose the delivery day.
    DeliveryDayRequired = "delivery_day_required", Invalid;
    /// A delivery day cannot be more than a year after the cut-off.
    DeliveryDayTooFar = "delivery_day_too_far", Invalid;
    /// Give at least one delivery day.
    DeliveryDaysRequired = "delivery_days_required", Invalid;
    /// A cycle can have at most 14 delivery days.
    DeliveryDaysTooMany = "delivery_days_too_many", Invalid;
    /// The same participant type and product group are given twice.
    DuplicateAmount = "duplicate_amount", Invalid;
    /// Someone else in your organization already has this identifier.
    DuplicateId1 = "duplicate_id1", Rule;
    /// Another type already has this import key.
    DuplicateMatchKey = "duplicate_match_key", Rule;
    /// This name already exists.
    DuplicateName = "duplicate_name", Rule;
    /// email change invalid
    EmailChangeInvalid = "email_change_invalid", Rule;
    /// Enter a valid e-mail address, such as name@example.ca.
    EmailInvalid = "email_invalid", Rule;
    /// An account already exists with this e-mail address.
    EmailTaken = "email_taken", Rule;
    /// Give a quantity for at least one product.
    EmptyOrder = "empty_order", Rule;
    /// Enter at least one amount.
    EmptyRedemption = "empty_redemption", Rule;
    /// The end must come after the start.
    EndsBeforeStart = "ends_before_start", Rule;
    /// The last day is already past.
    EndsInPast = "ends_in_past", Invalid;
    /// This envelope was already used (enrolments or loads): it cannot be deleted.
    EnvelopeInUse = "envelope_in_use", Rule;
    /// This envelope belongs to another organization than the card holder's.
    EnvelopeOtherPartner = "envelope_other_partner", Rule;
    /// Choose a frequency of 1 to 8 weeks.
    EveryWeeksInvalid = "every_weeks_invalid", Rule;
    /// The last usable day is already past.
    ExpiryInPast = "expiry_in_past", Invalid;
    /// An export covers at most 366 days and 5,000 invoices: choose a shorter range.
    ExportTooLarge = "export_too_large", Invalid;
    /// Choose where the money comes from: an envelope of the holder's organization or the program's reserve.
    FundSourceRequired = "fund_source_required", Invalid;
    /// This group is already used (an amount in a schedule or money on a card): it cannot be deleted.
    GroupInUse = "group_in_use", Rule;
    /// A GST registration number is 9 digits, RT and 4 digits (123456789RT0001).
    GstNumberInvalid = "gst_number_invalid", Invalid;
    /// This idempotency key was already used for another request.
    IdempotencyKeyReused = "idempotency_key_reused", Rule;
    /// Enter a valid amount.
    InvalidAmount = "invalid_amount", Rule;
    /// This text holds a refused invisible character (a null, control or text-direction character). Remove it or type the text again.
    InvalidCharacters = "invalid_characters", Rule;
    /// An invitation stays valid 1 to 90 days.
    InvitationDaysOutOfRange = "invitation_days_out_of_range", Invalid;
    /// This invitation is no longer valid.
    InvitationInvalid = "invitation_invalid", Rule;
    /// This order already has its invoice.
    InvoiceExists = "invoice_exists", Rule;
    /// This invoice already has a credit note: credit what is left line by line.
    InvoicePartlyCredited = "invoice_partly_credited", Rule;
    /// An invoice prefix is at most 10 letters, digits or dashes.
    InvoicePrefixInvalid = "invoice_prefix_invalid", Invalid;
    /// The organization must keep at least one administrator.
    LastAdmin = "last_admin", Rule;
    /// The platform must keep at least one administrator.
    LastPlatformAdmin = "last_platform_admin", Rule;
    /// A program keeps at least one participant type.
    LastType = "last_type", Rule;
    /// This date is outside the person's enrolment: before it began or after the schedule ends.
    LoadOutsideEnrolment = "load_outside_enrolment", Rule;
    /// Orders use this pickup point or zone: it cannot be removed (rename it instead).
    LocationInUse = "location_in_use", Rule;
    /// Choose a pickup point or a delivery zone.
    LocationRequired = "location_required", Rule;
    /// A lot code has 1 to 20 letters, digits, dashes, dots or slashes.
    LotCodeInvalid = "lot_code_invalid", Invalid;
    /// Another lot already has this code.
    LotCodeTaken = "lot_code_taken", Rule;
    /// The loyalty group is reserved: it cannot be renamed, and no other group may take its name.
    LoyaltyGroupReserved = "loyalty_group_reserved", Rule;
    /// The loyalty group is reserved for the program.
    LoyaltyReserved = "loyalty_reserved", Rule;
    /// The manager must be one of the program's markets.
    ManagerNotMarket = "manager_not_market", Rule;
    /// This market group still has markets in it.
    MarketGroupInUse = "market_group_in_use", Rule;
    /// Enter a whole number greater than zero.
    MaxLoads = "max_loads", Rule;
    /// This number is above the load dates the schedule has left for this person.
    MaxLoadsAboveSchedule = "max_loads_above_schedule", Rule;
    /// This participant has already received more loads than this number.
    MaxLoadsBelowLoaded = "max_loads_below_loaded", Rule;
    /// This person has already received every load allowed: raise their number of loads first.
    MaxLoadsReached = "max_loads_reached", Rule;
    /// This organization still has active participants or money reserved or loaded from its envelopes: remove its participants first.
    MemberInUse = "member_in_use", Rule;
    /// The name is required.
    NameRequired = "name_required", Rule;
    /// This name is already used.
    NameTaken = "name_taken", Rule;
    /// Amounts cannot be negative.
    NegativeAmount = "negative_amount", Rule;
    /// The budget cannot be negative.
    NegativeBudget = "negative_budget", Rule;
    /// This person has no card: give them one first.
    NoCard = "no_card", Rule;
    /// Tick at least one approved claim.
    NoClaims = "no_claims", Rule;
    /// This organization has no envelope for this schedule.
    NoEnvelope = "no_envelope", Rule;
    /// There is no free card left: ask for a new batch.
    NoFreeCard = "no_free_card", Rule;
    /// No load falls between these dates at this frequency.
    NoLoadInPeriod = "no_load_in_period", Rule;
    /// No missed load on that date.
    NoMissedLoad = "no_missed_load", Rule;
    /// This organization is not a buyer.
    NotABuyer = "not_a_buyer", Rule;
    /// This organization is not a partner of the program.
    NotAPartner = "not_a_partner", Rule;
    /// This organization is not a producer.
    NotAProducer = "not_a_producer", Rule;
    /// There is not that much in stock (free of orders).
    NotEnoughStock = "not_enough_stock", Rule;
    /// This product is not offered in this cycle.
    NotOffered = "not_offered", Invalid;
    /// This product is not on the producer's purchase order for this delivery.
    NotOnPurchaseOrder = "not_on_purchase_order", Rule;
    /// The program owes you nothing for this period.
    NothingOwed = "nothing_owed", Rule;
    /// In this program, the operator gives the cards.
    OperatorAssignsCards = "operator_assigns_cards", Rule;
    /// This order was delivered: it no longer changes.
    OrderDelivered = "order_delivered", Rule;
    /// You already have an order for this delivery: change that one.
    OrderExistsForDelivery = "order_exists_for_delivery", Rule;
    /// Only a delivered order is invoiced.
    OrderNotDelivered = "order_not_delivered", Rule;
    /// This order can no longer change.
    OrderNotEditable = "order_not_editable", Rule;
    /// This organization still has active participants or money in its envelopes: it cannot be archived.
    OrgInUse = "org_in_use", Rule;
    /// The budget envelope is not enough.
    OverBudget = "over_budget", Rule;
    /// A batch of paper coupons has 1 to 1,000 coupons.
    PaperBatchSize = "paper_batch_size", Invalid;
    /// This paper coupon is past its date.
    PaperExpired = "paper_expired", Rule;
    /// A paper coupon's expiry date is not between tomorrow and two years from today.
    PaperExpiryInvalid = "paper_expiry_invalid", Invalid;
    /// This paper coupon was never recorded as handed out: it cannot be redeemed.
    PaperNotHandedOut = "paper_not_handed_out", Rule;
    /// This paper coupon was already redeemed.
    PaperRedeemed = "paper_redeemed", Rule;
    /// A paper coupon serial is 14 digits with a check digit: this one is mistyped.
    PaperSerialInvalid = "paper_serial_invalid", Invalid;
    /// This paper coupon cannot do that in its state.
    PaperState = "paper_state", Rule;
    /// This paper coupon was voided.
    PaperVoided = "paper_voided", Rule;
    /// This person is active: there is nothing to bring back.
    ParticipantActive = "participant_active", Rule;
    /// This person was removed from the program.
    ParticipantRemoved = "participant_removed", Rule;
    /// This payment was voided: it counts nowhere and cannot be applied nor voided again.
    PaymentVoided = "payment_voided", Rule;
    /// A payout is dated on or before today, within the years Halles accepts.
    PayoutDateInvalid = "payout_date_invalid", Invalid;
    /// This date is not the start of one of the program's periods.
    PeriodInvalid = "period_invalid", Rule;
    /// This period is not over: claim it once it is.
    PeriodOpen = "period_open", Rule;
    /// A photo is at most 8 MB.
    PhotoTooLarge = "photo_too_large", Invalid;
    /// This file is not a readable photo (JPEG, PNG or WebP).
    PhotoUnreadable = "photo_unreadable", Invalid;
    /// The PIN has exactly 4 digits.
    PinInvalid = "pin_invalid", Rule;
    /// This card's PIN is locked after 5 wrong tries. The organization that gave the card (or the program's operator) must unlock it.
    PinLocked = "pin_locked", Rule;
    /// This card has no PIN yet: the organization that gave it must save one.
    PinNotSet = "pin_not_set", Rule;
    /// Enter the card's PIN.
    PinRequired = "pin_required", Rule;
    /// This PIN is not the right one.
    PinWrong = "pin_wrong", Rule;
    /// This producer takes part in a cycle that is not closed yet.
    ProducerInOpenCycle = "producer_in_open_cycle", Rule;
    /// This producer does not take part in this cycle.
    ProducerNotInCycle = "producer_not_in_cycle", Rule;
    /// This producer does not work with your hub.
    ProducerNotLinked = "producer_not_linked", Rule;
    /// A QST registration number is 10 digits, TQ and 4 digits (1234567890TQ0001).
    QstNumberInvalid = "qst_number_invalid", Invalid;
    /// This product is sold by the unit, the bunch or the case: give a whole number.
    QtyNotWhole = "qty_not_whole", Invalid;
    /// This quantity is above the maximum allowed: 100,000 units.
    QtyTooLarge = "qty_too_large", Invalid;
    /// Give a quantity above zero.
    QtyZero = "qty_zero", Invalid;
    /// Give a reason.
    ReasonRequired = "reason_required", Rule;
    /// Give the name of the person who received the delivery.
    RecipientRequired = "recipient_required", Invalid;
    /// You cannot refund more than was paid.
    RefundExceedsPayment = "refund_exceeds_payment", Rule;
    /// Only the market that made this sale can refund it.
    RefundSellingMarketOnly = "refund_selling_market_only", Rule;
    /// Producers are reminded between 1 and 168 hours (a week) before the cut-off.
    ReminderHoursOutOfRange = "reminder_hours_out_of_range", Invalid;
    /// The program's reserve does not hold enough: the operator must fund it first.
    ReserveTooLow = "reserve_too_low", Rule;
    /// This reset link is no longer valid.
    ResetInvalid = "reset_invalid", Rule;
    /// This role does not exist for this kind of organization.
    RoleNotAllowed = "role_not_allowed", Rule;
    /// This allocation schedule is archived.
    ScheduleArchived = "schedule_archived", Rule;
    /// This allocation schedule has ended.
    ScheduleEnded = "schedule_ended", Rule;
    /// Loads have run or the schedule has started: its first day cannot move.
    ScheduleStarted = "schedule_started", Rule;
    /// This statement is already paid.
    StatementAlreadyPaid = "statement_already_paid", Rule;
    /// Nothing of this producer in this period is left to put on a statement.
    StatementEmpty = "statement_empty", Rule;
    /// This status change is not possible.
    StatusChangeNotAllowed = "status_change_not_allowed", Rule;
    /// Choose the product that replaces it, and how much.
    SubstituteRequired = "substitute_required", Invalid;
    /// A hub registered for the taxes gives its GST and QST numbers.
    TaxNumbersRequired = "tax_numbers_required", Invalid;
    /// A tax status starts on a day of the years 2000 to 2100.
    TaxStatusDateInvalid = "tax_status_date_invalid", Invalid;
    /// At most 10,000 labels at a time: print one delivery day or one producer at a time.
    TooManyLabels = "too_many_labels", Invalid;
    /// An order can have at most 500 lines.
    TooManyLines = "too_many_lines", Invalid;
    /// This change of type changes the loads to come: check its effects and confirm.
    TypeChangeUnconfirmed = "type_change_unconfirmed", Rule;
    /// This type is already used (participants, an amount in a schedule or movements): it cannot be deleted.
    TypeInUse = "type_in_use", Rule;
    /// This schedule gives nothing to this person's participant type: add an amount for the type to the schedule or change the person's type.
    TypeWithoutAmount = "type_without_amount", Rule;
    /// This product is now sold in another unit: order it again rather than add to this line.
    UnitChanged = "unit_changed", Invalid;
    /// No free card of the program has this number.
    UnknownCard = "unknown_card", Rule;
    /// This cycle does not deliver on that day.
    UnknownDeliveryDay = "unknown_delivery_day", Invalid;
    /// A product group or participant type does not exist in this program.
    UnknownGroupOrType = "unknown_group_or_type", Rule;
    /// This line is not on the invoice.
    UnknownInvoiceLine = "unknown_invoice_line", Invalid;
    /// Choose a pickup point or a delivery zone from the list.
    UnknownLocation = "unknown_location", Rule;
    /// No lot has this code.
    UnknownLot = "unknown_lot", Rule;
    /// This product is not in the catalog of the hub's producers.
    UnknownProduct = "unknown_product", Invalid;
    /// This register does not exist or is closed.
    UnknownRegister = "unknown_register", Rule;
    /// Choose a participant type of the program.
    UnknownType = "unknown_type", Rule;
    /// The end date must be in the future.
    UntilInPast = "until_in_past", Rule;
    /// The end date can be at most two years ahead.
    UntilTooFar = "until_too_far", Invalid;
    /// Give one weight in grams per unit, each from 1 g to 100 kg.
    WeightInvalid = "weight_invalid", Invalid;
    /// These weights are more than 15 % away from the estimate: check them and confirm.
    WeightOutOfTolerance = "weight_out_of_tolerance", Rule;
    /// Weigh this product's units before packing the order.
    WeightsMissing = "weights_missing", Rule;
    /// This kind of organization does not do this.
    WrongKind = "wrong_kind", Forbidden;
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_round_trip() {
        let codes: Vec<&str> = Refusal::ALL.iter().map(|r| r.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted, "codes are unique and listed in order");
        for r in Refusal::ALL {
            assert_eq!(Refusal::from_code(r.code()), Some(*r));
            assert!(
                r.code()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            );
        }
        assert_eq!(Refusal::from_code("no_such_code"), None);
    }
}
