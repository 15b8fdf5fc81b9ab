//! One typed path per page: the route it is served at ([`super::Routes::typed_get`] and the
//! others read [`TypedPath::PATH`] from the handler's first argument), the extractor of its
//! parameters (typed ids), and the link to it (`Display` gives the URL, parameters
//! percent-encoded). Templates write `crate::pages::paths::Members::new(org)` instead of a
//! `format!`-built string; handlers redirect to `paths::Members(org).to_string()`.
//!
//! The structs are tuple structs; a template builds one with `new`, which takes its
//! parameters by value or by reference. A value
//! that does not parse (`/o/abc`) is refused by axum's path rejection, a 400 page.

use axum_extra::routing::TypedPath;
use halles_core::{
    CardBatchId, CardId, ClaimId, CreditNoteId, CycleId, EnvelopeId, InvitationId, InvoiceId,
    JobId, LotId, MarketGroupId, MembershipId, OrderId, OrderLineId, OrgId, PaperBatchId,
    ParticipantId, ParticipantTypeId, PaymentBatchId, PriceRuleId, ProductGroupId, ProductId,
    ProgramId, RedemptionId, RegisterId, RouteId, ScheduleId, StandingOrderId, StopId, TokenId,
    UserId,
};
use halles_core::{PaymentId, StatementId};
use serde::Deserialize;

/// A value a template passes to a path's `new`: askama passes arguments by reference, and a
/// loop's variables are references already.
pub trait PathArg<T> {
    /// The value itself.
    fn arg(self) -> T;
}

impl<T> PathArg<T> for T {
    fn arg(self) -> T {
        self
    }
}

impl<T: Clone> PathArg<T> for &T {
    fn arg(self) -> T {
        self.clone()
    }
}

impl<T: Clone> PathArg<T> for &&T {
    fn arg(self) -> T {
        T::clone(self)
    }
}

/// Declares unit paths (no parameter) and tuple paths (typed parameters, in path order, named
/// for `new`).
macro_rules! paths {
    ($($(#[$doc:meta])* $name:ident $(( $($arg:ident: $field:ty),+ ))? = $path:literal;)*) => {$(
        $(#[$doc])*
        #[derive(TypedPath, Deserialize, Debug, Clone, PartialEq, Eq)]
        #[typed_path($path)]
        pub struct $name $(( $(pub $field),+ ))?;

        $(
            impl $name {
                /// The path with these parameters (for templates).
                #[allow(clippy::new_ret_no_self, clippy::too_many_arguments)]
                pub fn new($($arg: impl PathArg<$field>),+) -> Self {
                    $name($($arg.arg()),+)
                }
            }
        )?
    )*};
}

paths! {
    /// The home page: the viewer's organization, or the login page.
    Root = "/";
    /// The API's documentation page.
    ApiDocs = "/api/docs";
    /// The help index in French.
    HelpFr = "/aide";
    /// The help index in English.
    HelpEn = "/help";
    /// A guide in French.
    GuideFr(guide: String) = "/aide/{guide}";
    /// A guide in English.
    GuideEn(guide: String) = "/help/{guide}";
    /// A picture of the guides (the same in both languages).
    GuideImage(name: String) = "/aide/img/{name}";

    /// The login form.
    Login = "/connexion";
    /// Signing out.
    Logout = "/deconnexion";
    /// The language switch.
    Language = "/langue";
    /// The forgotten-password form.
    ForgotPassword = "/mot-de-passe/oublie";
    /// The new-password form of a reset link.
    ResetPassword(token: String) = "/mot-de-passe/nouveau/{token}";
    /// An invitation, by its secret.
    Invitation(token: String) = "/invitations/{token}";
    /// The viewer's account.
    Account = "/compte";
    /// The viewer's password change.
    AccountPassword = "/compte/mot-de-passe";
    /// The viewer's e-mail change request.
    AccountEmail = "/compte/courriel";
    /// The confirmation of an e-mail change, by its secret.
    AccountEmailConfirm(token: String) = "/compte/courriel/{token}";

    /// An organization's home.
    OrgHome(org: OrgId) = "/o/{org}";
    /// An organization's members and pending invitations.
    Members(org: OrgId) = "/o/{org}/membres";
    /// Inviting someone.
    MembersInvite(org: OrgId) = "/o/{org}/membres/inviter";
    /// A member's role.
    MemberRole(org: OrgId, id: MembershipId) = "/o/{org}/membres/{id}/role";
    /// Removing a member.
    MemberRemove(org: OrgId, id: MembershipId) = "/o/{org}/membres/{id}/retirer";
    /// Revoking a pending invitation.
    InvitationRevoke(org: OrgId, id: InvitationId) = "/o/{org}/invitations/{id}/revoquer";
    /// Sending an invitation again (a new link, valid from now).
    InvitationResend(org: OrgId, id: InvitationId) = "/o/{org}/invitations/{id}/renvoyer";
    /// The audit log.
    Audit(org: OrgId) = "/o/{org}/audit";
    /// The audit log as a download.
    AuditExport(org: OrgId) = "/o/{org}/audit/exporter";
    /// The API tokens.
    Tokens(org: OrgId) = "/o/{org}/jetons";
    /// Revoking an API token.
    TokenRevoke(org: OrgId, id: TokenId) = "/o/{org}/jetons/{id}/revoquer";

    /// The platform's organizations.
    Admin = "/admin";
    /// Renaming (`renommer`) or archiving (`archiver`) an organization.
    AdminOrganization(id: OrgId, action: String) = "/admin/organisations/{id}/{action}";
    /// Every account.
    AdminUsers = "/admin/utilisateurs";
    /// Disabling an account.
    AdminUserDisable(id: UserId) = "/admin/utilisateurs/{id}/desactiver";
    /// Enabling an account.
    AdminUserEnable(id: UserId) = "/admin/utilisateurs/{id}/activer";
    /// Making an account a platform administrator.
    AdminUserPromote(id: UserId) = "/admin/utilisateurs/{id}/nommer-administrateur";
    /// Making a platform administrator an ordinary account again.
    AdminUserDemote(id: UserId) = "/admin/utilisateurs/{id}/retirer-administrateur";
    /// Deleting an account (it stays under a pseudonym).
    AdminUserDelete(id: UserId) = "/admin/utilisateurs/{id}/supprimer";
    /// The platform's settings (the invitations' validity).
    AdminSettings = "/admin/reglages";
    /// The outbox.
    AdminOutbox = "/admin/envois";
    /// The background jobs.
    AdminJobs = "/admin/taches";
    /// Retrying a failed job.
    AdminJobRetry(id: JobId) = "/admin/taches/{id}/relancer";

    /// The food-coupon programs.
    Programs(org: OrgId) = "/o/{org}/programmes";
    /// A program's page.
    Program(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}";
    /// Archiving or restoring a program.
    ProgramArchive(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/archiver";
    /// Archiving or restoring a schedule.
    ScheduleArchive(org: OrgId, id: ProgramId, sid: ScheduleId) = "/o/{org}/programmes/{id}/versements/{sid}/archiver";
    /// A program's schedules.
    Schedules(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/versements";
    /// Changing a schedule (preview, then confirm).
    ScheduleEdit(org: OrgId, id: ProgramId, sid: ScheduleId) = "/o/{org}/programmes/{id}/versements/{sid}/modifier";
    /// A program's settings.
    ProgramSettings(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/reglages";
    /// A program's card artwork.
    ProgramArtwork(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/illustration";
    /// A program's member organizations.
    ProgramMembers(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/membres";
    /// Taking an organization out of a program.
    ProgramMemberRemove(org: OrgId, id: ProgramId, member: OrgId) = "/o/{org}/programmes/{id}/membres/{member}/retirer";
    /// The markets where a partner's participants spend.
    PartnerMarkets(org: OrgId, id: ProgramId, partner: OrgId) = "/o/{org}/programmes/{id}/partenaires/{partner}/marches";
    /// A program's product groups.
    Groups(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/groupes";
    /// Renaming, moving or deleting a product group (`renommer`, `monter`, `descendre`,
    /// `supprimer`).
    GroupAction(org: OrgId, id: ProgramId, group: ProductGroupId, action: String) = "/o/{org}/programmes/{id}/groupes/{group}/{action}";
    /// A program's market groups.
    MarketGroups(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/groupes-marches";
    /// Placing a market in a market group.
    MarketGroupPlace(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/groupes-marches/marche";
    /// Renaming, archiving, restoring or deleting a market group (`renommer`, `archiver`,
    /// `restaurer`, `supprimer`).
    MarketGroupAction(org: OrgId, id: ProgramId, group: MarketGroupId, action: String) = "/o/{org}/programmes/{id}/groupes-marches/{group}/{action}";
    /// A program's participant types.
    ParticipantTypes(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/types";
    /// A participant type.
    ParticipantType(org: OrgId, id: ProgramId, ptype: ParticipantTypeId) = "/o/{org}/programmes/{id}/types/{ptype}";
    /// Deleting a participant type.
    ParticipantTypeDelete(org: OrgId, id: ProgramId, ptype: ParticipantTypeId) = "/o/{org}/programmes/{id}/types/{ptype}/supprimer";
    /// A program's budget envelopes.
    Envelopes(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/enveloppes";
    /// A program's reserve (its budget, set by the operator).
    Reserve(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/reserve";
    /// Deleting a budget envelope.
    EnvelopeDelete(org: OrgId, id: ProgramId, envelope: EnvelopeId) = "/o/{org}/programmes/{id}/enveloppes/{envelope}/supprimer";
    /// A program's managers.
    Managers(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/gestionnaires";
    /// Taking a manager off a program.
    ManagerRemove(org: OrgId, id: ProgramId, member: MembershipId) = "/o/{org}/programmes/{id}/gestionnaires/{member}/retirer";
    /// A program's participants.
    Participants(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/participants";
    /// The participants as a download.
    ParticipantsExport(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/participants/exporter";
    /// Importing participants.
    ParticipantsImport(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/participants/importer";
    /// The import's spreadsheet template.
    ParticipantsImportTemplate(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/participants/importer/modele";
    /// A participant.
    Participant(org: OrgId, id: ProgramId, pid: ParticipantId) = "/o/{org}/programmes/{id}/participants/{pid}";
    /// An action on a participant.
    ParticipantAction(org: OrgId, id: ProgramId, pid: ParticipantId, action: String) = "/o/{org}/programmes/{id}/participants/{pid}/{action}";
    /// A program's cards.
    Cards(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/cartes";
    /// An action on a card.
    CardAction(org: OrgId, id: ProgramId, card: CardId, action: String) = "/o/{org}/programmes/{id}/cartes/{card}/{action}";
    /// A batch of cards as a PDF.
    CardBatchPdf(org: OrgId, id: ProgramId, batch: CardBatchId) = "/o/{org}/programmes/{id}/lots/{batch}/pdf";
    /// A program's paper coupons.
    PaperCoupons(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/coupons-papier";
    /// Recording that a paper coupon was handed out.
    PaperHandOut(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/coupons-papier/remettre";
    /// Voiding a paper coupon.
    PaperVoid(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/coupons-papier/annuler";
    /// A batch of paper coupons as a PDF.
    PaperBatchPdf(org: OrgId, id: ProgramId, batch: PaperBatchId) = "/o/{org}/programmes/{id}/coupons-papier/{batch}/pdf";
    /// A program's report.
    Report(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/rapports";
    /// The history of an envelope (`?envelope={id}`) or of the reserve (`?envelope=reserve`).
    EnvelopeHistory(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/rapports/enveloppes";
    /// Asking for, or stopping, the monthly report by e-mail.
    MonthlyReport(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/rapports/envoi-mensuel";
    /// A program's transactions.
    Transactions(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/mouvements";
    /// A program's balances.
    Balances(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/soldes";
    /// A program's reimbursement claims.
    Claims(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/reclamations";
    /// Deciding on a claim.
    ClaimDecide(org: OrgId, id: ProgramId, claim: ClaimId, action: String) = "/o/{org}/programmes/{id}/reclamations/{claim}/{action}";
    /// A program's payment batches.
    Payments(org: OrgId, id: ProgramId) = "/o/{org}/programmes/{id}/paiements";
    /// A payment batch.
    PaymentBatch(org: OrgId, id: ProgramId, batch: PaymentBatchId) = "/o/{org}/programmes/{id}/paiements/{batch}";
    /// Marking a payment batch paid.
    PaymentBatchPaid(org: OrgId, id: ProgramId, batch: PaymentBatchId) = "/o/{org}/programmes/{id}/paiements/{batch}/paye";
    /// The register.
    Register(org: OrgId) = "/o/{org}/caisse";
    /// The register's card look-up.
    RegisterCard(org: OrgId) = "/o/{org}/caisse/carte";
    /// Redeeming a paper coupon at the register.
    RegisterPaper(org: OrgId) = "/o/{org}/caisse/coupon-papier";
    /// The register's sale.
    RegisterSale(org: OrgId) = "/o/{org}/caisse/vente";
    /// A sale's receipt.
    Receipt(org: OrgId, id: RedemptionId) = "/o/{org}/caisse/recus/{id}";
    /// Refunding a sale.
    ReceiptRefund(org: OrgId, id: RedemptionId) = "/o/{org}/caisse/recus/{id}/rembourser";
    /// A market's registers.
    Registers(org: OrgId) = "/o/{org}/caisses";
    /// A register's kiosk.
    RegisterKiosk(org: OrgId, id: RegisterId) = "/o/{org}/caisses/{id}/borne";
    /// Retiring a register.
    RegisterRetire(org: OrgId, id: RegisterId) = "/o/{org}/caisses/{id}/retirer";
    /// Renaming a register.
    RegisterRename(org: OrgId, id: RegisterId) = "/o/{org}/caisses/{id}/renommer";
    /// A kiosk, by its secret.
    Kiosk(secret: String) = "/borne/{secret}";
    /// A kiosk's card look-up.
    KioskCard(secret: String) = "/borne/{secret}/carte";
    /// A kiosk's payment.
    KioskPay(secret: String) = "/borne/{secret}/payer";
    /// A card's public page, by its token.
    PublicCard(token: String) = "/c/{token}";
    /// A card holder's e-mail choice.
    PublicCardEmails(token: String) = "/c/{token}/courriels";

    /// A producer's products.
    Products(org: OrgId) = "/o/{org}/produits";
    /// A new product.
    ProductNew(org: OrgId) = "/o/{org}/produits/nouveau";
    /// A product.
    Product(org: OrgId, id: ProductId) = "/o/{org}/produits/{id}";
    /// A product's photo upload.
    ProductPhoto(org: OrgId, id: ProductId) = "/o/{org}/produits/{id}/photo";
    /// A product's GST and QST statuses by date (its producer, or a hub it works with).
    ProductTaxes(org: OrgId, id: ProductId) = "/o/{org}/produits/{id}/taxes";
    /// A product photo's file.
    Photo(file: String) = "/photos/{file}";
    /// A producer's cycles to fill availability for.
    Availability(org: OrgId) = "/o/{org}/disponibilites";
    /// A producer's availability in a hub's cycle.
    ProducerGrid(org: OrgId, hub: OrgId, cycle: CycleId) = "/o/{org}/disponibilites/{hub}/{cycle}";
    /// A hub's order cycles.
    Cycles(org: OrgId) = "/o/{org}/cycles";
    /// An order cycle.
    Cycle(org: OrgId, id: CycleId) = "/o/{org}/cycles/{id}";
    /// A cycle's status.
    CycleStatus(org: OrgId, id: CycleId) = "/o/{org}/cycles/{id}/statut";
    /// Copying a cycle.
    CycleCopy(org: OrgId, id: CycleId) = "/o/{org}/cycles/{id}/copier";
    /// Changing a cycle's terms.
    CycleEdit(org: OrgId, id: CycleId) = "/o/{org}/cycles/{id}/modifier";
    /// Opening a cycle with a new cut-off.
    CycleOpen(org: OrgId, id: CycleId) = "/o/{org}/cycles/{id}/ouvrir";
    /// One list of a cycle, downloaded (`?format=csv|xlsx`).
    CycleExport(org: OrgId, id: CycleId, list: String) = "/o/{org}/cycles/{id}/exporter/{list}";
    /// A producer's availability, filled by the hub.
    HubGrid(org: OrgId, id: CycleId, producer: OrgId) = "/o/{org}/cycles/{id}/disponibilites/{producer}";
    /// Ordering for a buyer.
    OrderFor(org: OrgId, id: CycleId, buyer: OrgId) = "/o/{org}/cycles/{id}/commander-pour/{buyer}";
    /// An order of the cycle, edited by the hub.
    HubOrder(org: OrgId, id: CycleId, order: OrderId) = "/o/{org}/cycles/{id}/commandes/{order}";
    /// Cancelling an order of the cycle.
    HubOrderCancel(org: OrgId, id: CycleId, order: OrderId) = "/o/{org}/cycles/{id}/commandes/{order}/annuler";
    /// A hub's producers and buyers.
    Partners(org: OrgId) = "/o/{org}/partenaires";
    /// Linking a producer or a buyer (`producteurs`, `acheteurs`).
    PartnerLink(org: OrgId, what: String) = "/o/{org}/partenaires/{what}";
    /// A hub's pricing rules.
    Prices(org: OrgId) = "/o/{org}/prix";
    /// Deleting a pricing rule.
    PriceDelete(org: OrgId, id: PriceRuleId) = "/o/{org}/prix/{id}/supprimer";
    /// A buyer's open cycles.
    Shop(org: OrgId) = "/o/{org}/boutique";
    /// A hub's catalog in a cycle.
    Catalog(org: OrgId, hub: OrgId, cycle: CycleId) = "/o/{org}/boutique/{hub}/{cycle}";
    /// A buyer's quick order form for a hub's cycle.
    QuickOrder(org: OrgId, hub: OrgId, cycle: CycleId) = "/o/{org}/boutique/{hub}/{cycle}/commande-rapide";
    /// A buyer's orders.
    Orders(org: OrgId) = "/o/{org}/commandes";
    /// A buyer's order.
    Order(org: OrgId, hub: OrgId, id: OrderId) = "/o/{org}/commandes/{hub}/{id}";
    /// The photo the driver took when delivering an order (JPEG), for its buyer and hub.
    OrderDeliveryPhoto(org: OrgId, hub: OrgId, id: OrderId) = "/o/{org}/commandes/{hub}/{id}/livraison/photo";
    /// Editing a buyer's order.
    OrderEdit(org: OrgId, hub: OrgId, id: OrderId) = "/o/{org}/commandes/{hub}/{id}/modifier";
    /// Cancelling a buyer's order.
    OrderCancel(org: OrgId, hub: OrgId, id: OrderId) = "/o/{org}/commandes/{hub}/{id}/annuler";
    /// Making an order a standing order.
    OrderRepeat(org: OrgId, hub: OrgId, id: OrderId) = "/o/{org}/commandes/{hub}/{id}/refaire";
    /// A buyer's standing orders.
    StandingOrders(org: OrgId) = "/o/{org}/commandes-recurrentes";
    /// Stopping or skipping a standing order (`arreter`, `sauter`).
    StandingChange(org: OrgId, id: StandingOrderId, what: String) = "/o/{org}/commandes-recurrentes/{id}/{what}";

    /// When a hub reminds producers that posted nothing before a cut-off.
    ReminderHours(org: OrgId) = "/o/{org}/rappel-disponibilites";
    /// A hub's billing settings.
    BillingSettings(org: OrgId) = "/o/{org}/facturation";
    /// The invoices a hub issued or a buyer received.
    Invoices(org: OrgId) = "/o/{org}/factures";
    /// An invoice as a PDF.
    InvoicePdf(org: OrgId, id: InvoiceId) = "/o/{org}/factures/{id}/pdf";
    /// Issuing the invoice of a delivered order by hand.
    IssueInvoice(org: OrgId, order: OrderId) = "/o/{org}/factures/commandes/{order}";
    /// An invoice: its balance, credit notes and payments; the hub issues credit notes there.
    Invoice(org: OrgId, id: InvoiceId) = "/o/{org}/factures/{id}";
    /// Issuing a credit note on an invoice.
    IssueCreditNote(org: OrgId, id: InvoiceId) = "/o/{org}/factures/{id}/avoirs";
    /// The credit notes a hub issued or a buyer received.
    CreditNotes(org: OrgId) = "/o/{org}/avoirs";
    /// A credit note as a PDF.
    CreditNotePdf(org: OrgId, id: CreditNoteId) = "/o/{org}/avoirs/{id}/pdf";
    /// Payments: a hub records them (with their allocations), a buyer sees its own.
    HubPayments(org: OrgId) = "/o/{org}/paiements";
    /// A hub's aging report (`?format=csv` downloads it).
    Aging(org: OrgId) = "/o/{org}/comptes-clients";
    /// A buyer's monthly statement of account (`?acheteur=`, `?pole=`, `?mois=`).
    Statement(org: OrgId) = "/o/{org}/releves";
    /// The statement as a PDF (same query).
    StatementPdf(org: OrgId) = "/o/{org}/releves/pdf";
    /// Switching a buyer's reminders of overdue invoices on or off.
    BuyerReminders(org: OrgId, buyer: OrgId) = "/o/{org}/releves/rappels/{buyer}";
    /// A hub's invoices of a date range as QuickBooks Online's import CSV.
    InvoicesQuickBooks(org: OrgId) = "/o/{org}/factures/export-quickbooks";
    /// A credit note as UBL 2.1 XML.
    CreditNoteUbl(org: OrgId, id: CreditNoteId) = "/o/{org}/avoirs/{id}/ubl";
    /// A hub's journal of a date range as a CSV.
    JournalExport(org: OrgId) = "/o/{org}/factures/export-journal";
    /// The accounts a hub's journal names.
    JournalAccounts(org: OrgId) = "/o/{org}/facturation/comptes";
    /// A hub voids a payment recorded by mistake.
    VoidPayment(org: OrgId, id: PaymentId) = "/o/{org}/paiements/{id}/annuler";
    /// A hub applies what is left of a payment (a buyer's credit) to an open invoice.
    ApplyCredit(org: OrgId, id: PaymentId) = "/o/{org}/paiements/{id}/appliquer";
    /// An invoice as UBL 2.1 XML.
    InvoiceUbl(org: OrgId, id: InvoiceId) = "/o/{org}/factures/{id}/ubl";
    /// A hub's producer statements and payouts, or a producer's own.
    ProducerStatements(org: OrgId) = "/o/{org}/releves-producteurs";
    /// Issuing a producer's statement for a period.
    IssueStatement(org: OrgId) = "/o/{org}/releves-producteurs/emettre";
    /// A statement as a PDF.
    ProducerStatementPdf(org: OrgId, id: StatementId) = "/o/{org}/releves-producteurs/{id}/pdf";
    /// Marking a statement paid.
    PayStatement(org: OrgId, id: StatementId) = "/o/{org}/releves-producteurs/{id}/versement";
    /// A served buyer's tags and weight unit.
    PartnerBuyer(org: OrgId, buyer: OrgId) = "/o/{org}/partenaires/acheteurs/{buyer}";
    /// Who sees which products and cycles.
    Visibility(org: OrgId) = "/o/{org}/visibilite";
    /// A product's visibility rule.
    VisibilityProduct(org: OrgId, id: ProductId) = "/o/{org}/visibilite/produits/{id}";
    /// A cycle's visibility rule.
    VisibilityCycle(org: OrgId, id: CycleId) = "/o/{org}/visibilite/cycles/{id}";

    /// A cycle's fulfilment after the cut-off: purchase orders, receiving, shortages, packing,
    /// delivery, labels.
    Fulfilment(org: OrgId, id: CycleId) = "/o/{org}/cycles/{id}/preparation";
    /// Issuing the cycle's purchase orders that changed.
    PurchaseOrdersIssue(org: OrgId, id: CycleId) = "/o/{org}/cycles/{id}/preparation/bons-de-commande";
    /// A producer's purchase order (`?jour=`, `?format=pdf`).
    PurchaseOrder(org: OrgId, id: CycleId, producer: OrgId) = "/o/{org}/cycles/{id}/preparation/bons-de-commande/{producer}";
    /// Receiving what a producer brought (`?jour=`).
    Receive(org: OrgId, id: CycleId, producer: OrgId) = "/o/{org}/cycles/{id}/preparation/reception/{producer}";
    /// Settling a short line.
    Shortage(org: OrgId, id: CycleId, line: OrderLineId) = "/o/{org}/cycles/{id}/preparation/manques/{line}";
    /// Packing an order: its lots, weights and cases.
    PackOrder(org: OrgId, id: CycleId, order: OrderId) = "/o/{org}/cycles/{id}/preparation/emballage/{order}";
    /// Weighing a line's units.
    WeighLine(org: OrgId, id: CycleId, line: OrderLineId) = "/o/{org}/cycles/{id}/preparation/pesees/{line}";
    /// Finding a case by its scanned or typed code (`?code=`).
    CaseScan(org: OrgId, id: CycleId) = "/o/{org}/cycles/{id}/preparation/caisse";
    /// A document of the cycle (`cueillette`, `emballage`, `etiquettes`, `etiquettes-zpl`;
    /// `?jour=`, `?stock=lettre|thermique`).
    FulfilmentDocument(org: OrgId, id: CycleId, doc: String) = "/o/{org}/cycles/{id}/preparation/documents/{doc}";
    /// Making the stops of a delivery day.
    PlanRoutes(org: OrgId, id: CycleId) = "/o/{org}/cycles/{id}/preparation/tournees";
    /// A route's manifest on a delivery day (`?jour=`, `?format=pdf`).
    Manifest(org: OrgId, id: CycleId, route: RouteId) = "/o/{org}/cycles/{id}/preparation/tournees/{route}";
    /// Putting an order at a place on a route.
    StopPlace(org: OrgId, id: CycleId, order: OrderId) = "/o/{org}/cycles/{id}/preparation/arrets/{order}";
    /// Marking a stop delivered or not.
    StopMark(org: OrgId, id: CycleId, stop: StopId) = "/o/{org}/cycles/{id}/preparation/arrets/{stop}/livraison";
    /// A stop's proof-of-delivery photo (JPEG), for the hub.
    StopPhoto(org: OrgId, id: CycleId, stop: StopId) = "/o/{org}/cycles/{id}/preparation/arrets/{stop}/photo";
    /// The hub's delivery routes.
    DeliveryRoutes(org: OrgId) = "/o/{org}/tournees";
    /// A route's buyers in their usual order.
    RouteBuyers(org: OrgId, route: RouteId) = "/o/{org}/tournees/{route}";
    /// A buyer's delivery address, contact and instructions.
    BuyerDelivery(org: OrgId, buyer: OrgId) = "/o/{org}/tournees/acheteurs/{buyer}";
    /// The hub's GS1 company prefix.
    Gs1Prefix(org: OrgId) = "/o/{org}/tournees/gs1";
    /// What the hub holds: lots, best-before, recall search.
    Stock(org: OrgId) = "/o/{org}/stock";
    /// A lot: its ledger and recall report (`?format=csv`).
    Lot(org: OrgId, lot: LotId) = "/o/{org}/stock/lots/{lot}";
    /// Recording a loss, a donation or a count.
    LotMovement(org: OrgId, lot: LotId) = "/o/{org}/stock/lots/{lot}/mouvements";
    /// Finding a lot by its code (`?lot=`).
    Recall(org: OrgId) = "/o/{org}/stock/rappel";
    /// A producer's purchase orders.
    ProducerPurchaseOrders(org: OrgId) = "/o/{org}/bons-de-commande";
    /// A producer's purchase order in a hub's cycle (`?jour=`, `?format=pdf`).
    ProducerPurchaseOrder(org: OrgId, hub: OrgId, cycle: CycleId) = "/o/{org}/bons-de-commande/{hub}/{cycle}";
    /// A producer's own product labels for a hub's cycle (`?jour=`, `?stock=thermique`,
    /// `?format=zpl`).
    ProducerProductLabels(org: OrgId, hub: OrgId, cycle: CycleId) = "/o/{org}/bons-de-commande/{hub}/{cycle}/etiquettes";
    /// A producer weighing its own line's units.
    ProducerWeigh(org: OrgId, hub: OrgId, line: OrderLineId) = "/o/{org}/bons-de-commande/{hub}/pesees/{line}";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_its_pattern_with_its_parameters() {
        assert_eq!(Members::PATH, "/o/{org}/membres");
        assert_eq!(
            MemberRole(OrgId(7), MembershipId(42)).to_string(),
            "/o/7/membres/42/role"
        );
        assert_eq!(Login.to_string(), "/connexion");
        assert_eq!(
            Invitation("a b/c".into()).to_string(),
            "/invitations/a%20b%2Fc"
        );
    }
}
