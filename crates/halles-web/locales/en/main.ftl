# Halles — English

## Common
skip-to-content = Skip to content
lang-switch = Français
save = Save
back-to-login = Back to log in
footer-api = API
footer-tagline = Halles, the shared platform for local food systems
form-error-summary = There is a problem
export-csv = Export as CSV
export-xlsx = Export as Excel (XLSX)

## Navigation
nav-label = Main navigation
nav-home = Home
nav-members = Members
nav-audit = Audit log
nav-tokens = API tokens
nav-admin = Administration
nav-account = My account
nav-help = Help
nav-logout = Log out
nav-my-organizations = My organizations

## Months
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Organization kinds and roles
kind-hub = Food hub
kind-producer = Producer
kind-buyer = Buyer
kind-program_operator = Program operator
kind-partner_org = Partner organization
kind-market = Market
kind-funder = Funder
role-admin = Administrator
role-staff = Staff
role-cashier = Cashier
role-viewer = Read only
scope-org-read = read the organization and its members
scope-org-write = invite members
scope-audit-read = read the audit log
scope-catalog-read = read products, cycles and catalogs
scope-catalog-write = change products and availability
scope-cycles-write = create and change order cycles
scope-orders-read = read orders
scope-orders-write = place, change and cancel orders
scope-coupons-read = read programs, participants, cards and reports
scope-coupons-write = enrol participants, manage cards and schedules
scope-redemptions-write = redeem and refund at the market's registers

## Fields
field-email = E-mail address
field-password = Password
field-new-password = New password
field-password-confirm = Confirm the password
field-current-password = Current password
field-name = Name
field-lang = Language
field-role = Role
field-kind = Kind of organization
field-org-name = Organization name
field-admin-email = Administrator's e-mail
field-token-name = Token name
field-scopes = Permissions
hint-password = At least 10 characters. A sentence you remember easily makes a good password.
hint-token-name = For example: "Accounting software" or "Kiosk register".
hint-admin-email = This person will receive an invitation to become the organization's administrator.

## Form errors
err-required = This field is required.
err-too_long = This text is too long.
err-too_many_rows = Too many rows: at most 20,000 per request. Split the list.
err-invalid_characters = This text holds a refused invisible character (a null, control or text-direction character). Remove it or type the text again.
err-email_invalid = Enter a valid e-mail address, such as name@example.ca.
err-password_too_short = The password must have at least 10 characters.
err-password_common = This password is too common: it is (or nearly is) in the lists of most used passwords, which attackers try first. Choose another one, such as a phrase of a few words.
err-password_mismatch = The two passwords are not the same.
err-password_wrong = The current password is not right.
err-role_invalid = Choose a role from the list.
err-kind_invalid = Choose a kind of organization from the list.
err-lang_invalid = Choose a language.
err-scope_required = Tick at least one permission.
err-email_taken = An account already exists with this e-mail address.
err-already_member = This person is already a member of the organization.
err-role_not_allowed = This role does not exist for this kind of organization.
err-last_admin = The organization must keep at least one administrator.
err-idempotency_key_invalid = The idempotency key must have 1 to 255 characters.
err-instant_invalid = Unreadable date: use RFC 3339, for example 2026-11-28T14:00:00Z.
err-reset_invalid = This reset link is no longer valid.
err-invitation_invalid = This invitation is no longer valid.
err-login-failed = Wrong e-mail or password.
err-login-disabled = This account is disabled. Contact the platform administration.
err-login-throttled = Too many attempts. Wait a minute before trying again.
err-reset-throttled = Too many reset requests. Wait a few minutes before trying again.
err-disable-self = You cannot disable your own account.

## Error pages
error-title = Page unavailable
error-back-home = Back to home
err-not-found = This page does not exist, or you do not have access to it.
err-forbidden = Your role does not allow you to open this page.
err-csrf = The form has expired. Go back, reload the page and try again.
err-bad-form = The form sent could not be read. Reload the page and try again.
err-internal = Something unexpected went wrong. Try again in a moment.
err-busy = The server is very busy. Try again in a few seconds.
err-bad-request = The request sent cannot be read. Reload the page and try again.
err-too-large = What you sent is too large.
err-wrong-kind = This kind of organization does not do this.

## Messages
flash-logged-out = You are logged out.
flash-password-reset = Your password has been changed. Log in with the new one.
flash-password-changed = Password changed. Please log in again.
flash-account-saved = Your details are saved.
flash-invitation-sent = Invitation sent by e-mail.
flash-invitation-revoked = Invitation cancelled.
flash-invitation-accepted = Welcome! You are now part of the organization.
flash-role-changed = Role changed.
flash-member-removed = Member removed from the organization.
flash-token-revoked = Token revoked: it no longer works.
flash-org-created = Organization created. Its administrator has received an invitation.
flash-user-disabled = Account disabled.
flash-user-enabled = Account enabled again.
flash-job-retried = Job put back in the queue.

## Log in
login-title = Log in
login-intro = Log in with your e-mail address and your password.
login-submit = Log in
login-forgot = Forgot your password?
login-demo-title = Demo accounts
login-demo-password = Password for every account: { $password }
demo-platform-admin = Platform administration
demo-hub-admin = Food hub, coordination
demo-hub-staff = Food hub, staff
demo-producer = Producer (farm)
demo-buyer = Buyer (daycare)
demo-operator = Coupon program operator
demo-partner = Partner organization
demo-market-admin = Market, management
demo-cashier = Market, cashier
demo-funder = Funder
forgot-title = Forgot your password
forgot-intro = Enter your e-mail address. If an account exists, you will receive a link valid for one hour.
forgot-submit = Send the link
forgot-sent = If an account exists for this address, an e-mail with a link is on its way. The link is valid for one hour.
reset-title = Choose a new password
reset-submit = Change the password
reset-invalid = This link is no longer valid: it was already used or it has expired. Ask for a new one.

## E-mails
mail-reset-subject = Halles: change your password
mail-reset-body =
    Hello { $name },

    To choose a new password, open this link (valid for one hour):
    { $link }

    If you did not ask for this, ignore this message: your password stays the same.

    The Halles team
mail-invite-subject = Invitation to join { $org } on Halles
mail-invite-body =
    Hello,

    { $inviter } invites you to join { $org } on Halles, with the role "{ $role }".

    To accept, open this link before { $expires }:
    { $link }

    If you were not expecting this invitation, ignore this message.

    The Halles team

## Home
home-title = Home
home-none-title = Welcome to Halles
home-none-body = Your account is not part of any organization yet. Ask an administrator to invite you.
home-your-role = your role: { $role }
home-next-title = What to do next
home-next-members = Invite your team and manage roles
home-members-count = { $count } member(s), { $pending } pending invitation(s)
home-next-tokens = Connect another software with an API token
home-next-audit = Read the audit log
home-next-guide = Read the guide for your role
home-next-availability = Post this week's availability
home-next-products = Keep your catalog up to date
home-next-cycles = Prepare or follow the order cycles
home-next-partners = Choose your producers and buyers
home-next-prices = Set the price lists
home-next-shop = Order for the week
home-next-orders = See your orders
home-next-account = Check your name, language and password
home-coming-title = Coming soon in Halles
home-intro-hub = Your food hub brings producers together and sells their products to institutions, restaurants and households.
home-intro-producer = Your farm sells its products through one or more food hubs.
home-intro-buyer = Your organization buys local food from a food hub.
home-intro-program_operator = Your organization runs a food-coupon program with its partners, markets and funders.
home-intro-partner_org = Your organization enrols participants in a food-coupon program.
home-intro-market = Your market accepts food coupons at its registers.
home-intro-funder = Your organization funds a food-coupon program and follows its results.
home-coming-hub = Standing orders, purchase orders to producers, receiving, packing, routes, labels, invoices and payouts.
home-coming-producer = Product photos, purchase orders, statements and payouts.
home-coming-buyer = Standing orders, tracked deliveries and invoices.
home-coming-program_operator = Market groups, kiosk mode and reimbursement claims.
home-coming-partner_org = Self-service kiosk mode for your participants.
home-coming-market = Self-service kiosk mode and reimbursement claims.
home-coming-funder = Monthly reports by e-mail.

## Members
members-title = Members
members-invite-title = Invite someone
members-invite-intro = The person receives an e-mail with a link valid for 7 days.
members-invite-submit = Send the invitation
members-list-title = Current members
members-disabled = account disabled
members-role-of = Role of { $name }
members-change-role = Change role
members-remove = Remove
members-remove-label = Remove { $name } from the organization
members-pending-title = Pending invitations
members-pending-none = No pending invitation.
members-pending-expires = Link valid until { $date }
members-revoke = Cancel
members-revoke-label = Cancel the invitation of { $email }

## Invitations
invitation-title = Invitation
invitation-invalid = This invitation is no longer valid: it was used, cancelled or has expired. Ask for a new one.
invitation-offer = You are invited to join { $org } with the role "{ $role }".
invitation-accept = Accept the invitation
invitation-wrong-account = This invitation is for { $email }. Log out, then open the link again.
invitation-login-first = Log in to accept
invitation-register-intro = Create your account for { $email }: choose your name and a password.
invitation-create-account = Create my account and accept

## Audit log
audit-title = Audit log
audit-intro = Every creation, change and deletion made in your organization, by a person or by an API token.
audit-filters = Filter the log
audit-all = All
audit-from = From
audit-until = Until
audit-filter = Filter
audit-empty = No entry matches.
audit-details = Before and after
audit-see-receipt = See the receipt
audit-older = Older entries
audit-actor-system = System
audit-actor-token = API token #{ $id }
audit-action-create = Created
audit-action-update = Changed
audit-action-delete = Deleted
audit-col-when = When
audit-col-who = Who
audit-col-action = Action
audit-col-entity = Item
audit-col-id = Id
audit-col-before = Before
audit-col-after = After

## API tokens
tokens-title = API tokens
tokens-intro = A token lets another software read or change your organization's data, according to the permissions ticked.
tokens-new = New token
tokens-create = Create the token
tokens-created = Token created.
tokens-copy-now = Copy it now: it will never be shown again.
tokens-list = Existing tokens
tokens-none = No token yet.
tokens-revoked = revoked
tokens-created-at = created { $date }
tokens-revoke = Revoke
tokens-revoke-label = Revoke the token { $name }

## My account
account-title = My account
account-email = E-mail address: { $email }
account-profile = Name and language
account-password = Password
account-password-submit = Change the password

## Administration
admin-title = Platform administration
admin-nav = Administration sections
admin-orgs = Organizations
admin-org-new = New organization
admin-org-create = Create and invite
admin-users = Accounts
admin-users-intro = A disabled account can no longer log in, and its open sessions end.
admin-platform-admin = administration
admin-disable = Disable
admin-disable-label = Disable the account of { $name }
admin-enable = Enable
admin-enable-label = Enable the account of { $name }
admin-outbox = Outbox
admin-outbox-intro = The platform's e-mails. Without a mail server configured (and in the demo), they stay here.
admin-outbox-to = To
admin-outbox-empty = No e-mail.
admin-outbox-sent = sent
admin-outbox-kept = kept here (no mail server)
admin-outbox-failed = delivery failed
admin-outbox-queued = waiting
admin-jobs = Background jobs
admin-jobs-empty = No job.
admin-jobs-attempts = attempt { $n } of { $max }
admin-jobs-retry = Retry

## Help
help-guides = Guides
help-other-language = Lire en français

## API
api-title = API documentation
api-intro = The API lets other software work with Halles. The technical descriptions below are in English.
api-openapi-link = OpenAPI 3.1 document (JSON)
api-operations = Operations
api-scopes = Permissions required:
api-params = Parameters
api-required = required
api-body = Request body:
api-responses = Responses
api-schemas = Schemas
api-problems = Error codes
api-problems-intro = Every error is a problem details document (RFC 9457) with a stable code and a message in the language asked for by the Accept-Language header.
problem-title-400 = Bad request
problem-title-401 = Authentication required
problem-title-403 = Access refused
problem-title-404 = Not found
problem-title-409 = Conflict
problem-title-413 = Content too large
problem-title-422 = Data refused
problem-title-500 = Internal error
problem-title-503 = Service busy
problem-unauthorized = Send a valid API token in the Authorization: Bearer header.
problem-insufficient_scope = This token does not have the permission { $scope }.
problem-not_found = Nothing matches this id in your organization.
problem-malformed_body = The request body is not the JSON expected.
problem-bad_request = The request cannot be read (parameters, path or headers).
problem-body_too_large = The request body is larger than allowed.
problem-busy = The server is very busy: try again after the Retry-After delay.
problem-wrong_kind = This kind of organization does not do this.
problem-validation_failed = Some fields are invalid: see "errors".
problem-idempotency_key_reused = This idempotency key was already used for another request.
problem-idempotency_key_in_progress = The first request with this idempotency key is still running.
problem-invalid_cursor = The pagination cursor cannot be read.
problem-internal = Something unexpected went wrong.

## Food hub: common
back = Back
edit = Edit
nav-products = Products
nav-availability = Availability
nav-cycles = Order cycles
nav-partners = Producers and buyers
nav-prices = Price lists
nav-shop = Order
nav-orders = My orders
hint-optional = Optional.
hint-money = Amount in dollars, for example 12.50.
category-vegetables = Vegetables
category-fruits = Fruits
category-dairy = Dairy
category-meat_eggs = Meat and eggs
category-grains = Grains, flours and legumes
category-sweet = Maple and honey
category-prepared = Prepared foods
unit-kg = per kilogram
unit-each = each
unit-bunch = per bunch
unit-case = per case
origin-quebec_grown = Grown or raised in Québec
origin-quebec_processed = Processed in Québec
origin-outside_quebec = Outside Québec
cert-aliments_du_quebec = Aliments du Québec
cert-aliments_prepares_au_quebec = Aliments préparés au Québec
cert-organic = Organic
tax-zero_rated = Zero-rated (basic groceries)
tax-taxable = Taxable (GST and QST)
tax-exempt = Exempt
buyer-type-institution = Institution
buyer-type-restaurant = Restaurant
buyer-type-grocer = Grocer
buyer-type-household = Household
buyer-type-community_group = Community group
cycle-status-draft = In preparation
cycle-status-open = Open
cycle-status-closed = Closed
cycle-status-completed = Completed
cycle-action-open = Open ordering
cycle-action-closed = Close ordering
cycle-action-completed = Mark as completed
cycle-action-draft = Back to preparation
order-status-placed = Placed
order-status-cancelled = Cancelled
location-pickup = Pickup point
location-delivery = Delivery zone

## Products
products-title = Products
products-intro = Your catalog: what you can offer the hubs you work with.
products-new = New product
products-edit = Edit the product
products-edit-label = Edit { $name }
products-none = No product yet.
products-inactive = withdrawn
field-name-fr = Name in French
field-name-en = Name in English
field-category = Category
field-description = Description
field-unit = Sale unit
field-unit-detail = What the unit holds
hint-unit-detail = For example: "case of 12 × 500 g" or "bunch of about 300 g".
field-catch-weight = Sold by real weight (weighed at packing)
field-est-weight = Estimated weight of one unit, in grams
hint-est-weight = Required for a product sold by real weight.
field-tax-class = Taxes
field-origin = Origin
field-region = Region
field-certifications = Certifications
field-certification = Certification
field-organic-certifier = Certifier (organic)
field-active = Offered to buyers
flash-product-saved = Product saved.
products-photo = Photo
products-photo-current = Current photo of the product
products-photo-send = Send the photo
field-photo = Choose a photo
hint-photo = JPEG, PNG or WebP, 8 MB at most. The photo is reduced to 800 pixels a side.
flash-photo-saved = Photo saved.
err-photo_missing = First choose a photo.
err-photo_unreadable = This file is not a readable picture (JPEG, PNG or WebP).
err-choice_invalid = Choose a value from the list.
err-grams_invalid = Enter a whole number of grams, from 1 to 100,000 (100 kg), for example 450.
err-weight_required = Give the estimated weight of one unit.
err-certifier_required = Name the body that certifies the organic product.

## Availability
availability-title = This week's availability
availability-intro = For each order cycle, say what you can deliver and at what price.
availability-no-cycle = No order cycle is waiting for you yet.
availability-open-grid = Fill in the grid
availability-open-grid-label = Fill in the grid of { $name } (cut-off: { $date })
availability-help = Leave empty what you do not offer this week. Quantity in the sale unit, price in dollars per unit. Tick "On demand" for a product without a quantity limit: give only its price.
availability-no-products = First add products to your catalog.
availability-reserved = already ordered: { $qty }
availability-copy = Copy last week
availability-none = Nothing this week
availability-copied = Last week's quantities and prices are copied. Check them, then save.
availability-closed = This cycle is closed: the grid can no longer change.
field-quantity = Quantity
field-price = Price
flash-availability-saved = Availability saved.
flash-availability-none = Noted: nothing this week.
err-qty_invalid = Enter a quantity, for example 12 or 2.5.
err-price_invalid = Enter a price, for example 3.50.
err-nothing_last_week = Nothing to copy: you offered nothing in the previous cycle.
err-below_reserved = A quantity is smaller than what has already been ordered.
err-producer_not_in_cycle = This producer does not take part in this cycle.
err-cycle_closed = This cycle is closed.

## Order cycles
cycles-title = Order cycles
cycles-intro = A cycle gathers the producers' availability and the buyers' orders until the cut-off.
cycles-none = No cycle yet.
cycles-new = New cycle
cycles-create = Create the cycle
cycles-no-producers = First add producers under "Producers and buyers".
field-cycle-name = Cycle name
hint-cycle-name = For example: "Week of November 30".
field-opens-at = Ordering opens
field-closes-at = Ordering cut-off
hint-closes-at = Montréal time.
field-delivery-note = Delivery or pickup details
hint-delivery-note = For example: "Morning delivery, pickup 2 to 6 p.m.".
field-order-fee = Fee per order
field-cycle-producers = Producers taking part
field-locations = Pickup points and delivery zones
field-location-kind = Kind
field-location-name = Name
field-location-fee = Fee
field-location-min = Minimum order
cycle-dates = from { $opens } to { $closes }
cycle-copy = Copy for next week
cycle-locations = Pickup and delivery
cycle-location-terms = fee { $fee }, minimum { $min }
cycle-order-fee = Fee per order: { $fee }
cycle-producers = Producers
cycle-enter-for = Enter availability
cycle-enter-for-label = Enter the availability of { $name }
cycle-totals-producer = Totals by producer
cycle-totals-product = Totals by product
cycle-producer-amounts = to the producer { $producer } · from buyers { $buyers }
cycle-orders = Orders
cycle-phone-order = Take an order for a buyer (by phone)
cycle-order-edit-label = Change order #{ $number } of { $buyer }
cycle-order-cancel-label = Cancel order #{ $number } of { $buyer }
cycle-orders-filter = Filter the orders
cycle-no-orders = No order yet.
field-buyer = Buyer
field-producer = Producer
field-product = Product
field-status = Status
flash-cycle-created = Cycle created, in preparation.
flash-cycle-status = Cycle status changed.
flash-cycle-copied = Cycle copied for the next week.
err-datetime_invalid = Enter a date and a time.
err-closes_before_opening = The cut-off must come after the opening.
err-producer_required = Tick at least one producer.
err-producer_not_linked = This producer does not work with your hub.
err-status_change_not_allowed = This status change is not possible.

## Partners and prices
partners-title = Producers and buyers
partners-producers = Producers you work with
partners-buyers = Buyers you serve
partners-add-producer = Add a producer
partners-add-buyer = Add a buyer
partners-link = Add
field-buyer-type = Buyer type
flash-partner-linked = Partner added.
err-not_a_producer = This organization is not a producer.
err-not_a_buyer = This organization is not a buyer.
prices-title = Price lists
prices-intro = A buyer's price is the producer's price plus your margin. The most specific rule wins: for this buyer, then for this product, then for this buyer type, then the default margin.
prices-none = No rule: buyers pay the producer's price.
prices-default = Default margin (every buyer)
prices-new = New rule
prices-any = All
prices-add = Add the rule
prices-remove = Remove
field-margin = Margin (%)
hint-margin = For example 15 or 12.5.
flash-rule-added = Rule added.
flash-rule-removed = Rule removed.
err-margin_invalid = Enter a margin between 0 and 1000%, for example 15.

## Ordering
shop-title = Order
shop-intro = The open order cycles of your hubs.
shop-none = No open cycle right now.
shop-order = Order
shop-cutoff = cut-off: { $date }
catalog-title = Catalog
catalog-for = Prices of { $buyer }
catalog-filters = Filter the catalog
catalog-search = Search
catalog-reorder = Reorder my last order
catalog-empty = No product matches.
catalog-left = { $qty } left
catalog-sold-out = Sold out
catalog-catch-weight = about { $price } a unit ({ $per_kg }/kg, about { $grams } g; the real weight is weighed at packing)
field-price-per-kg = Price per kg
catalog-origin-quebec = Québec food (grown or processed)
orders-quebec-share = Share of Québec food in your orders: { $share }% (in dollars, placed orders).
catalog-checkout = Finish the order
catalog-place-order = Place the order
catalog-save-order = Save the changes
field-location = Pickup or delivery
field-po-number = Your purchase-order number
field-note = Note for the hub
flash-order-placed = Order placed. A confirmation e-mail is on its way.
flash-order-changed = Order changed.
flash-order-cancelled = Order cancelled.
err-empty_order = Give a quantity for at least one product.
err-shortage = Not enough left: lower the quantity.
err-below_minimum = The order does not reach the minimum of this pickup point or zone.
err-location_required = Choose a pickup point or a delivery zone.
err-unknown_location = Choose a pickup point or a delivery zone from the list.
err-not_offered = This product is not offered in this cycle.
err-qty_not_whole = This product is sold by the unit, the bunch or the case: give a whole number.
err-qty_zero = Give a quantity above zero.
err-unknown_product = This product is not in the catalog of the hub's producers.
err-cycle_not_open = Ordering is closed for this cycle.
err-order_not_editable = This order can no longer change.
orders-title = My orders
orders-none = No order yet.
orders-lines = { $count } product(s)
order-number = Order #{ $number }
order-for-buyer = Order from { $buyer }
order-po = Purchase order: { $po }
order-subtotal = Subtotal
order-fees = Fees
order-gst = GST (5%)
order-qst = QST (9.975%)
order-total = Total
order-change = Change the order
order-cancel = Cancel the order
mail-order-subject = Order #{ $number } confirmed ({ $hub })
mail-order-body =
    Hello { $name },

    Your order #{ $number } at { $hub } is confirmed:
    { $lines }

    Total with fees and taxes: { $total }

    { $delivery }

    To see it or change it before the cut-off:
    { $link }

    The Halles team

## Standing orders
nav-standing = Standing orders
standing-title = Standing orders
standing-intro = The same products every week, or every few weeks, until a date. When each cycle opens, the order is placed with what is available, and you get an e-mail.
standing-none = No standing order. Open an order and choose "Repeat this order".
standing-every = every { $weeks } week(s)
standing-until = until { $date }
standing-stopped = stopped
standing-skip-next = next week will be skipped
standing-runs = Recent weeks
standing-run-skipped = week skipped
standing-run-failed = nothing could be ordered
standing-short = { $product }: { $got } of { $wanted } asked
standing-skip = Skip next week
standing-stop = Stop
standing-repeat-title = Repeat this order
standing-repeat-intro = The same products will be ordered when the next cycles open, with what is available.
standing-repeat = Repeat
field-every-weeks = Frequency
field-until = Until
flash-standing-created = Standing order created.
flash-standing-skipped = Next week will be skipped.
flash-standing-stopped = Standing order stopped.
err-until_invalid = Choose an end date.
err-order_exists_for_delivery = You already have an order for this delivery: change that one instead.
err-too_many_lines = An order can have at most 500 lines.
err-until_too_far = The end date can be at most two years ahead.
err-unit_changed = This product is now sold in another unit: remove the line, save, then order it again.
err-already_ordered = This order already has this product.
err-gs1_prefix_invalid = A GS1 company prefix has 6 to 12 digits.
err-cases_invalid = Give each line a case number from 1 to the number of cases (at most 200).
err-cycle_still_open = Orders are still being taken: this step comes after the cut-off.
err-lot_code_invalid = A lot code has 1 to 20 letters, digits, dashes, dots or slashes.
err-lot_code_taken = Another lot already has this code.
err-not_enough_stock = There is not that much in stock (free of orders).
err-not_on_purchase_order = This product is not on the producer’s purchase order for this delivery.
err-order_delivered = This order was delivered: it no longer changes.
err-recipient_required = Give the name of the person who received the delivery.
err-substitute_required = Choose the product that replaces it, and how much.
err-unknown_lot = No lot has this code.
err-weight_invalid = Give one weight in grams per unit, each from 1 g to 100 kg.
err-weight_out_of_tolerance = These weights are more than 15% away from the estimate: check them and confirm.
err-weights_missing = Weigh this product’s units before packing the order.
err-until_in_past = The end date must be in the future.
err-every_weeks_invalid = Choose a frequency of 1 to 8 weeks.
mail-standing-subject = Your standing order at { $hub }
mail-standing-placed = It became order #{ $number }.
mail-standing-skipped = This week was skipped, as asked.
mail-standing-failed = Nothing could be ordered this week.
mail-standing-no-shortage = Everything you asked for was available.
mail-standing-short = - { $product }: { $got } of { $wanted }
mail-standing-body =
    Hello { $name },

    A new order cycle is open at { $hub }. Your standing order:
    { $outcome }

    { $shortages }

    To see or change your standing orders:
    { $link }

    The Halles team

## Food-coupon programs
nav-programs = Programs
nav-register = Register
search = Search
filter = Filter
all = All
yes = yes
no = no
col-code = Code
col-card = Card
col-active = Active
access-operator = Operator
access-partner = Partner organization
access-market = Market
access-funder = Funder
programs-title = Coupon programs
programs-none = No program yet.
programs-new = New program
programs-create = Create the program
program-archived = archived
program-sections = Program sections
program-totals = Where the funds stand
program-reach = { $enrolled } participants enrolled, { $loaded } received funds, { $used } used their card.
program-groups = Product groups
program-loyalty = loyalty: usable for any group, never expires
program-types = Participant types
program-members = Participating organizations
program-add-member = Add an organization
program-add = Add
schedules-title = Allocation schedules
schedules-none = No allocation schedule.
schedules-new = New allocation schedule
schedules-create = Create the schedule
schedule-max-loads = at most { $n } loads
schedule-carry-over = Unspent funds stay on the card
schedule-replaced = Each load replaces the previous one
schedule-usage-based = A load only if the card was used
schedule-amounts = Amount per load, per participant type and product group
moment-first_of_month = the 1st of the month
moment-fifteenth = the 15th of the month
moment-first_and_fifteenth = the 1st and 15th of the month
moment-weekly = every Monday
expiry-never = Funds do not expire
expiry-on = Funds expire after { $date }
expiry-after = Funds expire { $days } days after they are loaded
expiry-kind-date = On a date
expiry-kind-days = After a number of days
envelopes-title = Budget envelopes
envelope-line = reserved { $reserved } · loaded { $loaded } · free { $free }
envelopes-set = Set or move an envelope
envelopes-save = Save
envelope-no-move = (set the budget, no move)
envelope-reserved = Reserved
envelope-free = Free
participants-title = Participants
participants-search = Code, identifier, name, phone or card number
participants-none = No participant found.
participants-enrol = Enrol someone
participants-enrol-hint = Only ask for what the program needs. The platform gives the code.
participants-enrol-submit = Enrol
participant-removed = removed
participant-no-card = no card
participant-consent = consent on { $date } ({ $purpose })
participant-card = Card
participant-card-number = Card number (empty: the next free card)
participant-new-card = Number of the new card
participant-new-card-hint = The 16 digits printed under the QR code. Leave empty to take the next free card.
participant-give-card = Give the card
participant-balance-page = The card's balance page (the QR code's link, for the holder)
participant-card-lost = Card lost: move the balance
participant-loads = Loads to come
participant-no-loads = No load to come.
participant-catch-up = Catch up the loads missed since the start
participant-enrol-schedule = Enrol in this schedule
participant-remove = Remove from the program
cards-title = Cards
cards-batches = Card batches
cards-batch = Batch { $batch } ({ $n } cards): sheet to print (PDF)
cards-create-batch = Create a batch
cards-sheet-title = Cards — batch { $batch }
cards-sheet-hint = Balance: scan the code
card-status-unassigned = free
card-status-assigned = given
card-status-disabled = disabled
card-status-lost = lost
card-status-gift = gift card
card-holder = Holder
card-gift = Load as a gift card
card-gift-amount = Amount
card-disable = Disable the card
card-enable = Enable again
card-found = Found: make it free again
card-public-title = My card's balance
card-public-unusable = This card can no longer be used. Ask your organization.
card-public-note = The balance is updated after each purchase. No personal information is shown here.
register-title = Register
register-step1 = Scan the card or type its number.
register-step2 = Enter the purchase amount per group, then confirm.
register-find = See the balance
register-scan = Scan with the camera
register-recent = Latest sales
register-card = Card { $number }
register-balance = Balance: { $amount }
register-loyalty = Loyalty: { $amount } usable for any group, after the group's own balance.
register-confirm = Confirm the payment
register-cancel = Cancel
receipt-number = Receipt no. { $number }
receipt-lines = Purchases
receipt-total = Total paid
receipt-balances = Balance left
receipt-next = New sale
receipt-refunded = refunded { $amount }
refund-title = Refund
refund-at-most = At most { $amount }
refund-submit = Refund
report-title = Reports
report-by = Group by
report-by-product_group = Product group
report-by-partner = Partner organization
report-by-market = Market
report-by-register = Register
report-by-market_group = Market group
report-by-schedule = Allocation schedule (end-of-schedule report)
report-by-participant_type = Participant type
report-none = (not applicable)
report-loaded = Loaded
report-adjusted = Adjustments and gift cards
report-spent = Spent
report-refunded = Refunded
report-expired = Expired
report-remaining = Remaining
report-owed = Owed to markets
report-total = Total
report-reach = Reach
report-repeat = { $n } used it on at least two different days.
field-card = Card
field-card-hint = 16 digits, or scan the QR code
field-register = Register
field-starts-on = Start
field-ends-on = End
field-moment = When funds load
field-max-loads = Maximum number of loads
field-expiry = Expiry of funds
field-expires-on = Expiry date
field-expires-days = Days before expiry
field-schedule = Allocation schedule
field-partner = Partner organization
field-move-from = Move from
field-budget = Amount
field-budget-hint = In dollars, for example 2500 or 2500.00
field-batch-size = Number of cards
field-participant-type = Participant type
field-id1 = Identifier 1
field-id1-hint = Unique in your organization, for example your file number
field-id2 = Identifier 2
field-phone = Phone
field-postal-code = Postal code
field-notes = Notes
field-receipts = E-mail the receipts
field-consent-on = Date of consent
field-consent-purpose = Purpose of consent
field-consent-purpose-hint = For example: taking part in the program and receiving receipts
field-reason = Reason
field-from = From
field-to = To
flash-program-created = Program created.
flash-schedule-created = Allocation schedule created.
flash-member-added = Organization added to the program.
flash-envelope-saved = Envelope saved.
flash-participant-enrolled = Person enrolled.
flash-enrolled = Enrolled in the schedule: the amount is reserved from the envelope.
flash-card-assigned = Card given.
flash-card-replaced = New card given; the balance was moved to it.
flash-participant-removed = Person removed; their reservations went back to the envelope.
flash-batch-created = Card batch created.
flash-saved = Saved.
flash-redeemed = Payment accepted.
flash-refunded = Refund made.
err-date_invalid = Enter a valid date (YYYY-MM-DD).
err-ends_before_start = The end must come after the start.
err-max_loads = Enter a whole number greater than zero.
err-batch_size = Enter a number of cards between 1 and 5,000.
err-card_number_length = A card number has 16 digits.
err-card_check_digit = This card number has a typo: check the digits.
err-card_unknown = No card of your programs has this number.
err-card_disabled = This card is disabled.
err-card_lost = This card was reported lost.
err-card_unassigned = This card has not been given to anyone yet.
err-insufficient_funds = The balance is not enough for this amount.
err-empty_redemption = Enter at least one amount.
err-negative_amount = Amounts cannot be negative.
err-invalid_amount = Enter a valid amount.
err-amount_too_large = This amount is above the maximum allowed: $100,000.00 per movement, line or price.
err-budget_too_large = This amount is above the maximum allowed: $10,000,000.00 per budget, envelope or program.
err-qty_too_large = This quantity is above the maximum allowed: 100,000 units.
err-unknown_register = This register does not exist or is closed.
err-refund_exceeds_payment = You cannot refund more than was paid.
err-refund_selling_market_only = Only the market that made this sale can refund it.
err-over_budget = The budget envelope is not enough.
err-below_committed = The budget cannot go below what is already reserved and loaded.
err-no_envelope = This organization has no envelope for this schedule.
err-not_a_partner = This organization is not a partner of the program.
err-duplicate_id1 = Someone else in your organization already has this identifier.
err-unknown_type = Choose a participant type of the program.
err-consent_required = Give the date and purpose of consent.
err-card_not_free = This card is already given.
err-no_free_card = There is no free card left: ask for a new batch.
err-unknown_card = No free card of the program has this number.
err-already_has_card = This person already has a card.
err-card_state = This action is not possible in the card's current state.
err-card_has_funds = The card still holds funds: report it lost to move them.
err-no_missed_load = No missed load on that date.
err-schedule_ended = This allocation schedule has ended.
err-operator_assigns_cards = In this program, the operator gives the cards.
err-participant_removed = This person was removed from the program.
err-already_enrolled = This person is already enrolled in this schedule.
err-schedule_archived = This allocation schedule is archived.
err-reason_required = Give a reason.
err-idempotency_key_reused = This operation was just done once already. Start again.
err-concurrent_update = Another operation just changed this card; try again.
err-unknown_group_or_type = A product group or participant type does not exist in this program.
err-wrong_kind = This organization cannot have this role.
err-duplicate_name = This name already exists.
err-negative_budget = The budget cannot be negative.
err-name_required = The name is required.
err-code_collision = Try again.
home-next-register = Open the register and redeem a card
home-next-programs = See the coupon programs
import-title = Import a list
import-intro = Import your participants from a CSV or XLSX file. Halles checks every row and shows the problems; nothing is saved while a row has a problem.
import-template = Template to fill in:
import-preview = Check
import-problems = { $n } row(s) of { $total } have a problem: fix the file, then check again. Nothing was saved.
import-ready = All { $n } rows are ready.
import-line = Row { $line }
import-ok = ready
import-apply = Import { $n } person(s)
import-check = Check the file
import-no-schedule = (none, enrol later)
field-import-file = File (CSV or XLSX)
field-import-file-hint = Columns: type, identifier 1, identifier 2, name, phone, email, postal code, notes, consent date (YYYY-MM-DD). The type is 1, 2, 3+ or its name.
field-import-schedule = Also enrol in the allocation schedule
flash-imported = List imported.
err-import_unreadable = This file cannot be read as CSV or XLSX.
err-import_too_large = This file is too large once uncompressed (more than { $megabytes } MB). Split the list into several files.
err-import_too_many_rows = This file has too many rows or columns (at most { $rows } rows and { $columns } columns). Split the list into several files.
err-import_empty = The file has no participant row.
err-import_column = The column { $column } is missing.
err-duplicate_id1_in_file = This identifier appears twice in the file.
mail-receipt-subject = Receipt for your card
mail-receipt-body =
    Hello,

    Your { $program } card was used at { $market } on { $when }:
    { $lines }
    Total: { $total }

    Your balance: { $link }
mail-expiry-subject = Funds on your card expire soon
mail-expiry-body =
    Hello,

    { $amount } on your { $program } card can be used until { $date } included; after that, they expire.

    Your balance: { $link }
registers-title = The market's registers
registers-intro = Each stand can have its register: sales and reports say at which register each card was used.
registers-name-hint = For example: Fruit stand
registers-add = Add the register
home-next-registers = Manage the market's registers
field-group-fr = New product group (French)
field-group-en = English name
program-add-group = Add the group
participant-missed = Loads not received (no card on the due date, or skipped for want of use)
participant-reissue = Load now
flash-load-reissued = Missed load made: the funds are on the card.
archive = Archive
unarchive = Unarchive
program-archive = Archive the program (no more loads)
program-unarchive = Unarchive the program
field-pin = Card PIN (4 digits)
field-pin-new = New PIN (4 digits)
field-pin-hint = The person chooses it and keeps it to themselves; the register asks for it at every purchase.
field-pin-required = Cards have a 4-digit PIN, asked at the register
field-anonymous = Anonymous program (no name, phone, e-mail or postal code)
participant-set-pin = Save the PIN
flash-pin-set = PIN saved.
participant-pin-locked = The card's PIN is locked after 5 wrong tries. Check that the person knows it, then unlock it.
participant-unlock-pin = Unlock the PIN
flash-pin-unlocked = PIN unlocked.
err-pin_invalid = The PIN has exactly 4 digits.
err-pin_required = Enter the card's PIN.
err-pin_wrong = This PIN is not the right one.
err-pin_not_set = This card has no PIN yet: the organization that gave it must save one.
err-pin_locked = This card's PIN is locked after 5 wrong tries. The organization that gave the card (or the program's operator) must unlock it.
err-card_proof_required = A sale needs the card's number or its QR code, never an internal id.

## Self-service kiosk
kiosk-title = Self-service kiosk
kiosk-step1 = Show your card's QR code to the camera or to the scanner.
kiosk-card = Card QR code
kiosk-card-hint = Tap "Scan with the camera", or pass the card in front of the scanner.
kiosk-continue = Continue
kiosk-step2 = enter what you buy in each product group
kiosk-done = Payment done
kiosk-next = Done
kiosk-on = Self-service kiosk: on
kiosk-off = Self-service kiosk: off
kiosk-open = Turn the kiosk on
kiosk-renew = Renew the link
kiosk-close = Turn the kiosk off
kiosk-link-once = Open this link on the kiosk's tablet. It is shown only once, and any earlier link no longer works.
flash-kiosk-closed = The kiosk is off: its link no longer works.
err-kiosk-off = This kiosk is off. Ask the market for a new link.
err-kiosk-scan = Scan the card's QR code: a typed number is not accepted at the kiosk.
err-kiosk-again = This payment was already handled. Start again with your card.

## Market groups
market-groups-title = Market groups
market-groups-none = No market group yet.
market-group-manager = managed by { $name }
market-group-empty = No market in this group.
market-group-no-manager = (no manager)
market-group-none = (no group)
market-group-add = Create the group
market-group-place = Place the market
field-market-group = Market group
field-market-group-manager = Market that manages the group
field-market = Market
err-manager_not_market = The manager must be one of the program's markets.
err-name_taken = This name is already used.

## Product groups, changed
program-group-change = Change "{ $name }"
program-group-rename = Rename
program-group-up = Move up
program-group-down = Move down
program-group-delete = Delete the group
err-group_in_use = This group is already used (an amount in a schedule or money on a card): it cannot be deleted.
err-loyalty_reserved = The loyalty group is reserved for the program.

## Participant types, changed
program-type-key = import key: { $key }
program-add-type = Add the type
field-type-fr = Type name (French)
field-type-en = Type name (English)
field-type-key = Import key
field-type-key-hint = The words an imported list may put in the "type" column, separated by commas (for example "1, one person"); by default, the French name.
err-duplicate_match_key = Another type already has this import key.

## Envelopes, deleted
envelope-delete = Delete
envelope-delete-label = Delete { $partner }'s envelope for { $schedule }
flash-envelope-deleted = The envelope is deleted.
err-envelope_in_use = This envelope was already used (enrolments or loads): it cannot be deleted.

# Participants: edit, card, manual loads, number of loads; participant types
program-type-delete = Delete the type
err-type_in_use = This type is already used (participants, an amount in a schedule or movements): it cannot be deleted.
err-last_type = A program keeps at least one participant type.
err-max_loads_above_schedule = This number is above the load dates the schedule has left for this person.
err-max_loads_below_loaded = This participant has already received more loads than this number.
participant-edit = Edit the participant
participant-unassign = Take the card back (empty)
flash-card-unassigned = The card is taken back: it can be given to someone else.
participant-adjust = Manual load or correction
field-group = Product group
field-adjust-amount = Amount
field-adjust-amount-hint = A negative amount takes funds off (for example -5.00).
participant-adjust-submit = Record the movement
field-max-loads-participant = Number of loads for this participant

# Reports by reconciliation period, for one market
report-by-period = Reconciliation period
report-period-month = month
report-period-week = week
report-period-day = day
report-week-of = Week of { $date }
report-market = Market
report-period-hint = One line per { $period }, following the program's reconciliation period. Choose a market: the "Owed to markets" column is then what it is owed for each period.

# Program settings
program-settings = Program settings
field-program-name = Program name
field-public-name = Public name
field-public-name-hint = What participants see on cards and the balance page. Empty: the program's name.
field-public-address = Public address
field-public-address-hint = Where participants can ask for help; shown on the balance page.
field-report-period = Reconciliation period
field-report-period-hint = The period of the reports of what markets are owed.
field-partners-assign-cards = Partner organizations give out cards themselves
program-anonymous-fixed = This program is anonymous: it keeps no identities. This choice, made at creation, does not change.
program-named-fixed = This program may keep the contact details of participants who consent. This choice, made at creation, does not change.
card-public-address = Help: { $address }

# Transaction log and card balances
log-title = Transactions
log-hint = Every movement of the program's money, one per line, newest first. Downloads hold every filtered line.
log-none = No movement matches these filters.
log-at = Date and time
log-kind = Movement
log-kind-load = Load
log-kind-spend = Purchase
log-kind-refund = Refund
log-kind-expire = Expiry
log-kind-adjust = Manual load or correction
log-kind-transfer_out = Transfer (out)
log-kind-transfer_in = Transfer (in)
log-amount = Amount
log-card = Card
log-participant = Participant
log-register = Register
log-sale = Sale
log-where = Where
log-actor = By
log-system = Halles (automatic)
log-older = Older transactions
balances-title = Card balances
balances-lead = { $n } cards hold funds, { $total } in all.
balances-none = No card holds funds.

# Markets where a partner's participants may spend
err-card_other_market = This card cannot be used at this market: the person's organization sends them to other markets.
program-partner-markets = Markets where its participants may spend
program-partner-markets-hint = No box ticked: every market of the program.
program-partner-markets-all = every market

# Expiry after first use
expiry-kind-use = A number of days after the first purchase
expiry-after-use = Expires { $days } days after the first purchase

# Monthly balance statements and schedule end notices
mail-statement-subject = Your card's balance this month
mail-statement-body =
    Hello,

    Here is what is left on your { $program } card at the start of the month ({ $month }):

    { $lines }

    Total: { $total }

    Your balance at any time: { $link }
mail-schedule-end-subject = End of the loads on your card
mail-schedule-end-body =
    Hello,

    The "{ $schedule }" loads of { $program } ended on { $date }: there will be no more.

    { $amount } is left on your card.

    Your balance: { $link }

# Off-platform participants
field-off-platform = Loads administered off the platform
field-off-platform-hint = The list each partner organization imports gives each person's dates, frequency and amounts. This choice cannot change after creation.
program-off-platform = This program's loads are administered off the platform: each person receives what their organization's list says (their dates, frequency and amounts).
import-off-platform = This program administers its loads off the platform: the list is your organization's whole list. Each row also carries the start, the end, the frequency (first_of_month, fifteenth, first_and_fifteenth, weekly, or "monthly", "1st and 15th", "weekly") and an amount per product group. A known identifier 1 updates that person; active people missing from the list are deactivated.
import-deactivated = { $n } active people missing from the list will be deactivated.
import-action-created = new
import-action-updated = updated
import-action-unchanged = unchanged
err-id1_required = Identifier 1 is required in this program.
err-moment_invalid = Unknown frequency: first_of_month, fifteenth, first_and_fifteenth or weekly.
err-amount_invalid = Invalid amount: at least one group needs an amount above zero.
err-no_load_in_period = No load falls between these dates at this frequency.

# Holder e-mails: how to stop them
mail-holder-footer = To stop these e-mails, open { $link } and tap "Stop e-mails".
card-public-emails = You get e-mails for this card (receipts, notices, monthly balance).
card-public-unsubscribe = Stop e-mails
flash-unsubscribed = Done: you will get no more e-mails for this card.

# Changing one's e-mail
account-email-change = Change e-mail
account-email-change-hint = A link is sent to the new address: the change happens when you open it. Your password does not change.
account-email-change-submit = Send the link
field-new-email = New e-mail
flash-email-change-sent = A link was sent to the new address. Open it to finish the change.
flash-email-changed = Your e-mail is changed. Log in with the new address.
email-change-title = Confirm the new e-mail
email-change-confirm = Your account will now use { $email } to log in and for e-mails.
email-change-submit = Confirm
email-change-invalid = This link is no longer valid (already used or expired). Ask for a new change from your account.
mail-email-change-subject = E-mail change — Halles
mail-email-change-body =
    Hello { $name },

    For your Halles account to use { $email } from now on, open this link (valid 1 hour):

    { $link }

    If you did not ask for this, ignore this message.
mail-email-change-notice =
    Hello { $name },

    A change of e-mail to { $email } was asked for your Halles account. If it was not you, change your password and tell your administrator.

# Reach per partner organization
report-reach-by-partner = Reach by partner organization
reach-enrolled = Enrolled
reach-loaded = Received funds
reach-used = Used their card
reach-repeat = Two days or more

# Retiring a register
register-retire = Retire the register
flash-register-retired = The register is retired: it takes no more sales, and its kiosk link no longer works. Its past sales stay in the reports.

# Taking an organization out of a program
program-member-remove = Take out of the program
err-member_in_use = This organization still has active participants or money reserved or loaded from its envelopes: remove its participants first.

# Platform administration: renaming and archiving organizations
admin-org-change = Change or archive
admin-org-archive = Archive the organization
admin-org-archive-hint = An archived organization is disabled: no one can open it any more, and its API tokens stop working. Refused while it has active participants or money in its envelopes.
admin-org-restore = Restore
admin-orgs-archived = Archived organizations
err-org_in_use = This organization still has active participants or money in its envelopes: it cannot be archived.

# Card artwork
field-card-artwork = Card artwork
field-card-artwork-hint = Your logo or an illustration (JPEG, PNG or WebP), printed on every card of the printable sheets, above the number.
program-artwork-upload = Send the artwork
program-artwork-remove = Remove the artwork
flash-artwork-saved = The artwork is saved: it will be on the cards of the next printed sheets.

## Reimbursement claims and payment batches
claims-title = Claims and payments
claims-market-lead = Claim what the program owes you for each closed period: the amount is your sales less refunds in that period, as the ledger computes it.
claims-operator-lead = Approve or refuse the markets' claims, then gather approved claims into a payment batch.
claims-periods = Closed periods
claims-no-period = No closed period owes you anything.
claim-period-range = From { $from } to { $until }
claim-status = Status
claim-status-submitted = Submitted
claim-status-approved = Approved
claim-status-rejected = Refused
claim-status-paid = Paid
claim-note = Note (optional)
claim-file = Claim this amount
claims-all = All
claims-list = Claims
claims-none = No claims.
claim-in-batch = payment batch no. { $batch }
claim-reason = Reason
claim-approve = Approve
claim-reject = Refuse
claim-period = Period start
claim-period-end = Last day of the period
claim-amount = Amount
batch-new = New payment batch
batch-pick = Approved claims to pay together
batch-create = Create the payment batch
batches-title = Payment batches
batches-none = No payment batches.
batch-title = Payment batch
batch-name = Payment batch no. { $batch }
batch-number = Batch no.
batch-claims = { $n } claim(s)
batch-status-open = To pay
batch-status-paid = Paid
batch-paid-on = Paid on
batch-reference = Reference
batch-reference-hint = The cheque or transfer number, repeated in the notice sent to the markets.
batch-pay = Mark this batch paid
batch-mark-paid = Mark paid and notify the markets
flash-claim-filed = Your claim is sent to the program's operator.
flash-payment-batch-created = The payment batch is created.
flash-batch-paid = The batch is paid; each market was e-mailed a remittance notice.
err-period_invalid = This date is not the start of one of the program's periods.
err-period_open = This period is not over: claim it once it is.
err-nothing_owed = The program owes you nothing for this period.
err-already_claimed = This period is already claimed.
err-claim_decided = This claim was already dealt with.
err-no_claims = Tick at least one approved claim.
err-claim_not_approved = A ticked claim is not approved, or is already in a batch.
err-batch_paid = This batch is already paid.
mail-remittance-subject = Remittance notice: { $program }
mail-remittance-body =
    Hello { $name },

    The program { $program } paid you { $total } on { $paid_on } (payment batch no. { $batch }, reference: { $reference }) for:
    { $claims }

    Your claims:
    { $link }

    The Halles team
mail-remittance-line = - from { $from } to { $until }: { $amount }
err-status_invalid = Unknown status.
err-report_period_invalid = Choose a period: month, week or day.

## Program managers
program-managers = Program managers
program-managers-hint = Someone invited here manages this program only: they reach nothing else of your organization (no other program, no members, no API tokens).
program-managers-none = Nobody manages this program only.
program-manager-email = E-mail of the person to invite
program-manager-invite = Invite to manage this program
program-manager-invited = Invitation sent
program-manager-remove = Take off the program
err-program-only = Your access is limited to the program you manage.
role-program-manager = manager of the program { $program } only
members-program-only = One program only

# Issue 13: what the hub sees and exports
qty-unit = { $qty } { $unit ->
    [kg] kg
    [lb] lb
    [bunch] { $count ->
        [one] bunch
       *[other] bunches
    }
    [case] { $count ->
        [one] case
       *[other] cases
    }
   *[each] { $count ->
        [one] unit
       *[other] units
    }
}
unit-short-kg = kg
unit-short-each = unit
unit-short-bunch = bunch
unit-short-case = case
cycle-totals-buyer = Totals by buyer and delivery
cycle-buyer-amounts = { $orders } order(s) · subtotal { $subtotal } · total { $total }
cycle-no-location = No location chosen
cycle-downloads = Download the lists
cycle-export-orders = Orders
cycle-export-lines = Order lines
cycle-export-products = Totals by product
cycle-export-producers = Totals by producer
cycle-export-buyers = Totals by buyer
cycle-col-order = Order
cycle-col-buyer = Buyer
cycle-col-status = Status
cycle-col-location = Pickup or delivery
cycle-col-po = Purchase order
cycle-col-note = Note
cycle-col-subtotal = Subtotal
cycle-col-fees = Fees
cycle-col-gst = GST
cycle-col-qst = QST
cycle-col-taxes = Taxes
cycle-col-total = Total
cycle-col-placed = Placed on
cycle-col-product = Product
cycle-col-producer = Producer
cycle-col-quantity = Quantity
cycle-col-unit = Unit
cycle-col-unit_price = Unit price
cycle-col-line_total = Line total
cycle-col-tax_class = Tax class
cycle-col-producer_amount = Amount to the producer
cycle-col-buyer_amount = Amount from buyers
cycle-col-orders = Orders
# Issue 13: one order per buyer per cycle and delivery
flash-order-added = Added to your order no. { $n }.
catalog-already-ordered = Already ordered in this cycle: { $qty }
# Issue 13: ordering for institutions (filters that keep quantities, running total, quick order form, delivery details)
catalog-show-all = Show all
catalog-kept = Typed quantities hidden by the filter: { $count } (they stay in the order).
cart-title = Your order
cart-lines = Products: { $amount }
cart-open = Already in your order this cycle: { $amount }
cart-fees = Fees: { $amount }
cart-total = Total before taxes: { $amount }
cart-below-minimum = { $missing } more to reach the { $min } minimum.
cart-minimum-reached = { $min } minimum reached.
quick-title = Quick order
quick-intro = Your usual products first, with the quantity of your last order. Only the quantities you type are ordered.
quick-catalog = See the full catalog and its filters
quick-usual = Your usual products
quick-no-usual = No orders in your last cycles: every product is below.
quick-others = Other products
quick-last = Last time: { $qty }
order-delivery = Delivery
order-delivery-note = Delivery or pickup: { $note }
order-location-fee = fee { $fee }
order-no-note = None
mail-order-detail = { $label }: { $value }

# Issue 13: editing cycles, reopening after the cut-off, delivery days
field-delivery-days = Delivery or pickup days
hint-delivery-days = At least one day, the last no earlier than the day of the cut-off. Leave a box empty to add nothing.
field-delivery-day-n = Day { $n }
field-delivery-day = Delivery or pickup day
hint-location-remove = To remove a point or zone, clear its name (not possible while an order uses it).
cycle-delivery-days = Delivery or pickup:
cycle-edit-title = Edit the cycle "{ $name }"
cycle-edit-intro = Orders already placed keep their fees; a point, zone or day an order uses cannot be removed.
cycle-back = Back to the cycle "{ $name }"
cycle-open-title = Reopen the cycle "{ $name }"
cycle-open-intro = The cut-off ({ $closes }) has passed. Give a new cut-off to reopen ordering.
field-new-closes-at = New order cut-off
order-delivery-day = Delivery or pickup on { $day }
flash-cycle-changed = Cycle changed.
cycle-col-delivery_day = Delivery day
err-cut_off_passed = The cut-off has passed: give a new cut-off, in the future, to reopen ordering.
err-cycle_completed = A completed cycle can no longer be changed.
err-delivery_day_before_cut_off = The last delivery day cannot come before the day of the cut-off.
err-delivery_day_in_use = Orders are delivered on this day: it cannot be removed.
err-delivery_day_required = Choose the delivery day.
err-delivery_day_too_far = A delivery day cannot be more than a year after the cut-off.
err-delivery_days_required = Give at least one delivery day.
err-delivery_days_too_many = A cycle has at most 14 delivery days.
err-location_in_use = Orders use this pickup point or zone: it cannot be removed (rename it instead).
err-unknown_delivery_day = This cycle does not deliver on that day.
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
# Issue 13: producers told when a grid waits for them; on-demand offers
availability-on-demand = On demand (no quantity limit)
catalog-on-demand = On demand
home-grids-waiting-title = Grids waiting for you
home-grid-waiting = The availability grid of cycle { $cycle } is waiting for you (until { $date })
reminder-title = Reminder to producers
reminder-intro = Producers of an open cycle who have not posted anything yet get a reminder by e-mail before the cut-off, once per cycle.
partners-reminder-link = Reminder to producers before the cut-off
field-reminder-hours = Hours before the cut-off
field-reminder-hours-hint = Between 1 and 168 hours (one week). Default: 24.
flash-reminder-saved = Reminder saved.
err-reminder_hours_out_of_range = Enter a whole number of hours between 1 and 168.
err-on_demand_quantity = A product offered on demand has no quantity: leave it empty.
mail-grid-open-subject = { $hub }: the grid of cycle { $cycle } is waiting for you
mail-grid-open-body =
    Hello { $name },

    The order cycle { $cycle } of { $hub } is open. Tell us what you can deliver this week, and at what price, by { $closes }:
    { $link }

    Nothing to offer this week? The "Nothing this week" button says so in one click.

    The Halles team
mail-grid-reminder-subject = Reminder — { $hub }: the grid of cycle { $cycle } is waiting for you
mail-grid-reminder-body =
    Hello { $name },

    You have not posted anything yet for the order cycle { $cycle } of { $hub }. Orders close on { $closes }.
    { $link }

    Nothing to offer this week? The "Nothing this week" button says so in one click.

    The Halles team
# Issue 13: order-line snapshots, every short line named
err-shortage-left = { $left } left: lower the quantity.
err-shortage-none = None left: remove this product.
# Issue 13: the hub API (partners) and standing orders paused, started later, stopped
err-producer_in_open_cycle = This producer takes part in a cycle that is not closed yet: wait until it closes to stop working with them.
standing-field-starts-on = Starting on
standing-starts-hint = The first cycle whose cut-off falls on that day or later. Leave empty to start at once.
standing-from = from { $date }
standing-paused = paused
standing-pause = Pause
standing-resume = Resume
flash-standing-paused = Standing order paused: no cycle will place it until it is resumed.
flash-standing-resumed = Standing order resumed: it will be placed in the next cycle that opens.
flash-standing-stopped-taken-back = Standing order stopped, and its lines of this week taken out of your order.
standing-stop-title = Stop the standing order
standing-stop-intro = This week, the standing order at { $hub } already put these products in your order, which can still be changed:
standing-stop-question = Do you also want to take these quantities out of the order? Products you added yourself stay.
standing-stop-take-back = Stop and take these lines out
standing-stop-keep = Stop, keep this week's order
standing-stop-cancel = Stop nothing

## Product data and visibility (allergens, storage, codes, cases, pounds, tags)
unit-lb = by the pound
unit-short-lb = lb
weight-unit-kg = Kilograms first
weight-unit-lb = Pounds first
field-weight-unit = Prices by weight
allergen-eggs = Eggs
allergen-milk = Milk
allergen-mustard = Mustard
allergen-peanuts = Peanuts
allergen-crustaceans_molluscs = Crustaceans and molluscs
allergen-fish = Fish
allergen-sesame = Sesame seeds
allergen-soy = Soy
allergen-sulphites = Sulphites
allergen-tree_nuts = Tree nuts
allergen-wheat_triticale = Wheat and triticale
storage-frozen = Frozen
storage-refrigerated = Refrigerated
storage-ambient = Room temperature
storage-unsaid = Not specified
field-allergens = Priority allergens
hint-allergens = Tick each allergen the product contains (Health Canada's list).
field-storage = Storage
field-sku = Product code (SKU)
field-gtin = GTIN (barcode)
hint-gtin = 8, 12, 13 or 14 digits, optional.
field-case-size = Units per case
hint-case-size = Optional, from 1 to 10,000.
err-gtin_check = The last digit of this GTIN does not match: check the barcode.
err-gtin_invalid = A GTIN has 8, 12, 13 or 14 digits.
err-case_size_invalid = Enter a whole number of units, from 1 to 10,000.
err-sku_too_long = The product code has at most 40 characters.
err-tags_invalid = Enter at most 10 tags of at most 30 characters (letters, digits, - or _), separated by spaces or commas.
price-by-weight = { $first } ({ $second })
product-case-size = case of { $n }
product-sku = SKU { $sku }
product-gtin = GTIN { $gtin }
product-contains = Contains:
partners-tags-intro = Tags serve visibility rules: a product or cycle kept for a tag is shown only to the buyers carrying it.
partners-tags-of = Tags of { $buyer }
hint-tags = For example: hospital daycare. Separate them with spaces or commas.
partners-save-buyer = Save for { $buyer }
flash-buyer-settings-saved = Buyer settings saved.
flash-visibility-saved = Visibility rule saved.
nav-visibility = Visibility
visibility-title = Who sees what
visibility-intro = Without tags, a product or cycle is shown to every buyer. With tags, only the buyers carrying one of them see it and can order it.
visibility-no-tags = No buyer has a tag yet: add some on the partners page.
visibility-known-tags = Your buyers' tags: { $tags }
visibility-cycles = Cycles
visibility-products = Products
visibility-cycle-tags = Cycle { $name }: kept for tags
visibility-product-tags = { $name }: kept for tags

## Fulfilment: the week after the cut-off
cancel = Cancel
doc-page-of = Page {"{"}n{"}"} of {"{"}total{"}"}
doc-pdf = PDF version
col-allocated = Set aside
col-best-before = Best before
col-buyer = Buyer
col-case = Case
col-cases = Cases
col-delivered = Delivered
col-delivery-day = Delivery day
col-delivery-details = Address, contact, instructions
col-lot = Lot
col-lots = Lots
col-movement = Movement
col-on-hand = On hand
col-order = Order
col-packed-on = Harvested or packed on
col-producer = Producer
col-producer-amount = Producer amount
col-product = Product
col-quantity = Quantity
col-reason = Reason
col-received-by = Received by
col-stop = Stop
col-total = Total
col-unit-detail = Pack size
col-weights = Weights
col-when = When
ful-title = Fulfilment — { $cycle }
ful-back-to-cycle = Back to the cycle
ful-back = Back to fulfilment
ful-step-open = Prepare the delivery
ful-steps = Steps
ful-step-po = Purchase orders
ful-step-receive = Receiving
ful-step-shortages = Shortages
ful-step-pack = Packing
ful-step-deliver = Delivery
ful-po-lines = { $n } products · { $total }
ful-po-revision = Sent (version { $n })
ful-po-not-issued = Not sent yet
ful-po-changed = Changed since sent
ful-po-open = View purchase order
ful-po-issue = Send new or changed purchase orders
ful-receive-intro = When a producer delivers, record what arrived, line by line, with the lot number and dates.
ful-receive-open = Receive
ful-lots-count = { $n } lots received for this cycle
ful-stock-open = View stock
ful-no-shortage = No shortage: what was received covers the orders.
ful-short-line = { $product }: { $ordered } ordered, { $got } received
ful-short-choice = What should happen to this line?
ful-short-reduce = Reduce to what was received
ful-short-substitute = Replace with another product
ful-short-cancel = Take it out of the order
ful-short-substitute-product = Replacement product
ful-short-substitute-qty = Replacement quantity
ful-short-settle = Apply
ful-scan-label = Case number or barcode
ful-scan-find = Find
ful-packed-count = { $packed } of { $n } orders packed
ful-doc-pick = Pick list (PDF)
ful-doc-pack = Packing lists (PDF)
ful-doc-labels-letter = Labels, letter sheet 2 × 5 (PDF)
ful-doc-labels-thermal = Labels 4 × 6 in (PDF)
ful-doc-labels-zpl = Labels for Zebra printers (ZPL)
ful-cases = { $n ->
    [one] 1 case
   *[other] { $n } cases
}
ful-to-pack = To pack
ful-pack-open = Pack
ful-no-routes = No delivery route yet.
ful-routes-open = Manage routes
ful-plan = Put the orders on their routes
ful-manifest-open = Driver's manifest
po-prefix = PO
po-page-title = Purchase order — { $producer }
po-doc-title = Purchase order { $number }
po-doc-producer = Producer: { $producer }
po-doc-hub = Hub: { $hub }
po-doc-cycle = { $cycle } — delivery { $day }
po-doc-revision = Version { $revision }, sent { $at }
po-doc-not-issued = Not sent yet
po-doc-lines = To harvest and bring
po-issued = Version { $n }, sent { $at }
po-changed-since = The orders changed since the last version was sent: send a new version from the fulfilment page.
po-revisions = Versions sent
pick-doc-title = Pick list
pick-doc-producer = Brought by { $producer }
pick-doc-product = { $product } — { $total } in all
pack-doc-title = { $buyer } — order no. { $number }
pack-doc-note = Note: { $note }
pack-doc-lines = To pack
manifest-doc-title = Route { $route }
manifest-doc-stops = Stops
receive-title = Receiving — { $producer }
receive-intro = The quantity ordered is filled in: change it if the producer brought less or more. Leave the lot blank and a number is made.
receive-ordered = { $qty } ordered
receive-quantity = Quantity received
receive-lot = Producer's lot number
receive-packed-on = Harvested or packed on
receive-best-before = Best before
receive-save = Save the receipt
pack-title = Packing — { $buyer }, order no. { $number }
pack-lines = Products
pack-ordered = { $qty } ordered at first
pack-weigh = Weight of each unit (estimate: { $est })
pack-by-producer = Weighed by the producer
pack-unit = Unit { $n }
pack-confirm = I confirm these weights even though they differ from the estimate
pack-save-weights = Save the weights
pack-weighed = { $g } g in all — { $price }
pack-cases = Cases
pack-cases-hint = Say which case each product goes in (1, 2, 3…). One label is printed per case.
pack-case-of-line = Case for { $product }
pack-pack = Pack the order
pack-repack = Pack again
label-lot = Lot
label-route-stop = Route { $route } · stop { $stop }
label-case-of = Case { $n } of { $of }
manifest-empty = No stop on this day: put the orders on their routes from the fulfilment page.
manifest-recipient = Received by
manifest-note = Note (optional)
manifest-delivered = Delivered
manifest-undelivered = Not delivered
manifest-move-to = Move to stop no.
manifest-move = Move
manifest-received-by = Received by { $name }
stop-status-pending = To deliver
stop-status-delivered = Delivered
stop-status-undelivered = Not delivered
routes-title = Delivery routes
routes-intro = Each buyer has its usual place on a route; the order is reused every week and can be changed for one day on the manifest.
routes-new = Name of a new route
routes-create = Create the route
routes-order-hint = Number the buyers in stop order; leave blank those not on this route.
routes-details = Delivery addresses
routes-on-route = stop { $n }
routes-address = Address
routes-contact = Person to ask for, and phone
routes-instructions = Delivery instructions
routes-gs1 = GS1 codes
routes-gs1-label = GS1 company prefix (optional)
routes-gs1-hint = With a GS1 prefix, each case carries an SSCC that large buyers' systems read.
stock-title = Stock
stock-find-lot = Lot number
stock-find = Find the lot
stock-empty = No lot in stock.
stock-held = Lots in stock
stock-soon = Soon
lot-title = Lot { $code }
lot-received = { $qty } received { $at }
lot-held = On hand: { $on_hand } · set aside for orders: { $allocated }
lot-recall = Recall: who received it
lot-recall-csv = Download the recall report (CSV)
lot-no-recipient = No order received this lot.
lot-recipients = Orders that received this lot
lot-movement = Record a loss, a donation or a count
lot-movement-kind = Kind
lot-movement-quantity = Quantity
lot-movement-quantity-hint = For a count, a negative quantity takes stock off.
lot-movement-reason = Reason
lot-ledger = Movements
movement-received = Received
movement-allocated = Set aside
movement-released = Released
movement-packed = Packed
movement-delivered = Delivered
movement-returned = Back in stock
movement-lost = Loss
movement-donated = Donation
movement-adjusted = Count
ppo-title = My purchase orders
ppo-empty = No purchase order yet: they come after each cycle's cut-off.
ppo-cycle-title = { $cycle } — { $hub }
ppo-weigh = Weighing
ppo-weigh-intro = For products sold by weight, enter each unit's weight in grams before delivery: the price follows the real weight.
ppo-est = about { $g } g each
flash-po-issued = { $n ->
    [one] 1 purchase order sent.
   *[other] { $n } purchase orders sent.
}
flash-po-none = No purchase order changed since the last ones were sent.
flash-received = Receipt saved: { $n } lots.
flash-shortage-settled = Line adjusted; the buyer is told.
flash-weighed = Weights saved.
flash-packed = Order packed in { $n } cases.
flash-stops-planned = { $n } orders put on their routes.
flash-stop-placed = Stop moved.
flash-stop-marked = Stop recorded.
flash-stop-photo = Photo saved.
flash-movement-saved = Movement saved.
err-case_unknown = No case has this code.
err-no_cases = No order is packed yet for this day.
mail-po-subject = Purchase order from { $hub } — { $cycle } (version { $revision })
mail-po-body =
    Hello { $name },

    Here is what { $hub } asks you to bring for the delivery of { $day }:
    { $lines }

    The purchase order (page and PDF), and weighing the products sold by weight:
    { $link }
mail-po-nothing = - Nothing any more: the orders on this purchase order were taken out.
mail-line-ordered = { $qty } ordered
mail-line-substitute = as a replacement
mail-order-adjusted-subject = Order no. { $number } adjusted ({ $hub })
mail-order-adjusted-body =
    Hello { $name },

    { $hub } could not fill your order no. { $number } quite as ordered. Here it is as it will be delivered:
    { $lines }

    New total with fees and taxes: { $total }

    { $link }
mail-order-delivered-subject = Order no. { $number } delivered ({ $hub })
mail-order-delivered-body =
    Hello { $name },

    Your order no. { $number } from { $hub } was delivered on { $at }, received by { $recipient }.
    { $lines }

    Total with fees and taxes: { $total }

    { $link }

# Fulfilment, part 3: product labels, receiving beyond the purchase order, delivery photos
plabel-lot = Lot:
plabel-packed-on = Packed on:
plabel-best-before = Best before:
plabel-price-per-kg = Price/kg:
plabel-weight = Weight:
plabel-price = Price:
ful-doc-products-letter = Product labels, 2 × 5 letter sheet (PDF)
ful-doc-products-thermal = Product labels 4 × 6 in (PDF)
ful-doc-products-zpl = Product labels for Zebra printers (ZPL)
ppo-labels-intro = One label per lot the hub received and one per weighed unit, with the GS1 barcode when the product has a GTIN, otherwise the lot’s code.
receive-extra-title = Products brought in addition
receive-extra-intro = Did the producer bring a product that is not on the purchase order (extra, or as a replacement)? Enter it here: it goes into stock as a lot, free for substitutions.
receive-extra = Additional product
receive-extra-product = Product
receive-extra-none = — None —
manifest-photo = Photo (optional)
manifest-photo-hint = A photo of the delivery or of the signed slip. JPEG, PNG or WebP, at most 8 MB.
manifest-photo-alt = Photo of the delivery at { $buyer }
manifest-photo-add = Add a photo
manifest-photo-replace = Replace the photo
manifest-photo-send = Send the photo
order-delivery-title = Delivery
order-delivery-photo = Photo taken at delivery
err-no_product_labels = No product labels for this day: nothing has been received or weighed yet.
err-photo_too_large = A photo is at most 8 MB.
err-too_many_labels = At most 10,000 labels at a time: print one delivery day or one producer at a time.
## Billing (issue 15, first part): settings and invoices
err-billing_not_set_up = Save the hub’s billing settings before issuing invoices.
err-gst_number_invalid = A GST number is 9 digits, RT and 4 digits (123456789RT0001).
err-invoice_exists = This order already has its invoice.
err-invoice_prefix_invalid = An invoice prefix is at most 10 letters, digits or dashes.
err-order_not_delivered = Only a delivered order is invoiced.
err-qst_number_invalid = A QST number is 10 digits, TQ and 4 digits (1234567890TQ0001).
err-tax_numbers_required = A hub registered for the taxes gives its GST and QST numbers.
col-weight = Real weight
col-unit-price = Unit price
col-amount = Amount
col-tax-code = Taxes
terms-on_receipt = Due on receipt
terms-net_15 = Net 15 days
terms-net_30 = Net 30 days

fee-taxation-follows_goods = The delivery fee follows the goods it delivers (prorated by value)
fee-taxation-taxable = The delivery fee is always taxable
invoice-doc-title = Invoice { $number }
invoice-gst-number = GST No.: { $number }
invoice-qst-number = QST No.: { $number }
invoice-not-registered = Seller not registered for GST and QST: no tax is charged.
invoice-dates = Dates
invoice-date-line = Invoice date: { $date }
invoice-delivery-line = Delivered: { $date }
invoice-due-line = Due: { $date }
invoice-po-line = Your purchase order: { $po }
invoice-billed-to = Billed to
invoice-delivered-to = Delivered to: { $address }
invoice-lines = Products delivered
invoice-goods = Goods: { $amount }
invoice-discount = Discount: − { $amount }
invoice-delivery = Delivery fee: { $amount }
invoice-subtotal = Subtotal: { $amount }
invoice-gst = GST 5% on { $base }: { $amount }
invoice-qst = QST 9.975% on { $base }: { $amount }
invoice-total = Total: { $amount }
invoice-totals = Totals
invoice-payment = Payment
invoice-tax-codes = Taxes: the 1st letter for GST, the 2nd for QST. T taxable, Z zero-rated, E exempt.
invoice-substitute-for = replaces { $product }
invoice-short = short { $qty }
mail-invoice-subject = Invoice { $number } ({ $hub })
mail-invoice-body =
    Hello { $name },

    { $hub } issued you invoice { $number }: { $total }, due by { $due }.

    Download it: { $link }
nav-invoices = Invoices
billing-title = Billing
billing-intro = Who sells on your invoices, your tax numbers, numbering, how the delivery fee is taxed and your payment terms.
billing-not-saved = These settings are not saved yet: no invoice is issued before.
field-legal-name = Legal name
field-billing-address = Address
field-registered = Registered for GST and QST
field-registered-hint = Not registered: your invoices carry no tax and say so.
field-gst-number = GST number
field-gst-number-hint = 9 digits, RT and 4 digits, e.g. 123456789RT0001.
field-qst-number = QST number
field-qst-number-hint = 10 digits, TQ and 4 digits, e.g. 1234567890TQ0001.
field-invoice-prefix = Invoice number prefix
field-invoice-prefix-hint = At most 10 letters, digits or dashes, e.g. INV-.
field-yearly-reset = Restart numbering at 1 each year
field-fee-taxation = Delivery fee taxation
field-payment-terms = Payment terms
field-how-to-pay = How to pay
field-auto-issue = Invoice each order as soon as its delivery is confirmed
flash-billing-saved = Billing settings saved.
flash-invoice-issued = Invoice issued.
invoices-title = Invoices
invoices-none = No invoice yet.
invoices-download = Download { $number }
col-invoice = Invoice
col-seller = Seller
col-invoice-date = Date
col-due-date = Due
order-invoice = See the invoice (PDF)
order-issue-invoice = Issue the invoice

## Coupons: money that escapes its budget (issue 16)
err-card_managed_by_operator = In this program, the operator manages the cards: ask the operator.
err-duplicate_amount = The same participant type and product group are given twice.
err-envelope_other_partner = This envelope belongs to another organization than the card holder's.
err-fund_source_required = Choose where the money comes from: an envelope of the person's organization or the program's reserve.
err-load_outside_enrolment = This date is outside the person's enrolment: before it began or after the schedule ends.
err-loyalty_group_reserved = The loyalty group is reserved: it cannot be renamed, and no other group may take its name.
err-reserve_too_low = The program's reserve does not hold enough: the operator must fund it first.
err-type_without_amount = This schedule gives nothing to this participant type: add an amount for the type to the schedule, or change the person's type.
reserve-name = Program reserve
reserve-owner = the operator's money, no partner organization's
reserve-line = Put on cards: { $loaded } · Free: { $free }
reserve-set = Fund the program reserve
reserve-hint = Manual loads and gift cards may draw on the reserve instead of an organization's envelope. Enter the reserve's total budget: it cannot go below what has already been loaded from it.
field-reserve-budget = Reserve budget
reserve-save = Save the reserve
flash-reserve-saved = The program reserve is saved.
fund-source-reserve = Program reserve (free: { $free })
fund-source-envelope = Envelope of { $partner } — { $schedule } (free: { $free })
fund-source-choose = Choose…
field-fund-source = The money comes from
field-fund-source-hint = A load draws on an envelope of the person's organization or on the program reserve. A correction (negative amount) gives the money back where it came from by itself.
participant-card-disabled = This card is disabled: registers refuse it until it is enabled again. It stays this person's card.
err-register-sale-again = This payment was already handled or the page is too old. Take the card again to start over.
## Billing: credit notes and receivables
err-allocation_exceeds_balance = This amount is more than what is left to pay on the invoice.
err-allocation_exceeds_payment = The amounts allocated are more than what is left of the payment.
err-credit_exceeds_invoice = This credit note would credit more than the invoice.
err-credit_exceeds_line = A line cannot be credited beyond what is left of it.
err-credit_note_empty = A credit note credits at least one line.
err-invoice_partly_credited = This invoice already has a credit note: credit what is left line by line.
err-unknown_invoice_line = This line is not on the invoice.
mail-credit-note-subject = Credit note { $number } ({ $hub })
mail-credit-note-body =
    Hello { $name },

    { $hub } issued you credit note { $number } on invoice { $invoice }: { $total } in your favour.
    Reason: { $reason }

    Download it: { $link }
mail-invoice-reminder-subject = Reminder: invoice { $number } is overdue ({ $hub })
mail-invoice-reminder-body =
    Hello { $name },

    { $balance } is left to pay on invoice { $number } from { $hub }, due on { $due }.

    See the invoice: { $link }
credit-note-doc-title = Credit note { $number }
credit-note-date-line = Credit note date: { $date }
credit-note-invoice-line = Corrects invoice { $number } of { $date }
credit-note-reason-line = Reason: { $reason }
credit-note-lines = Lines credited
credit-note-total = Total credited: { $amount }
statement-doc-title = Statement of account from { $from } to { $to }
statement-opening = Opening balance
statement-entries = Transactions
statement-opening-line = Opening balance: { $amount }
statement-invoiced-line = Invoiced: { $amount }
statement-credited-line = Credited (credit notes): { $amount }
statement-paid-line = Paid: { $amount }
statement-closing-line = Closing balance: { $amount }
statement-credit-line = Credit on your account: { $amount }
statement-invoice = Invoice { $number }
statement-credit-note = Credit note { $number }
statement-payment = Payment ({ $method })
statement-payment-ref = Payment ({ $method }, { $reference })
aging-title = Receivables
aging-current = Current
aging-days_1_30 = 1 to 30 days
aging-days_31_60 = 31 to 60 days
aging-days_61_90 = 61 to 90 days
aging-over_90 = Over 90 days
aging-intro = What each buyer owes on { $date }, by how long past due.
aging-csv = Download as CSV
aging-none = No buyer owes anything.
payment-method-cheque = Cheque
payment-method-interac = Interac e-Transfer
payment-method-cash = Cash
payment-method-card = Card (terminal)
payment-method-other = Other
flash-credit-note-issued = Credit note issued.
flash-payment-recorded = Payment recorded.
flash-reminders-saved = Reminders saved.
invoice-page-title = Invoice { $number }
invoice-status-unpaid = unpaid
invoice-status-partly_paid = partly paid
invoice-status-paid = paid
invoice-status-overdue = overdue
col-credited = Credited
col-paid = Paid
col-balance = Balance
col-credit = Credit
col-credit-note = Credit note
col-applied-on = Applied on
col-allocate = To apply
col-unallocated = Unallocated
col-entry-date = Date
col-document = Transaction
credit-notes-title = Credit notes
credit-notes-none = No credit notes.
credit-notes-download = Credit note { $number } (PDF)
credit-note-issue = Issue a credit note
credit-note-intro = An issued invoice never changes: a credit note corrects it. Credit the whole invoice, or lines (a quantity or an amount before taxes, at most what is left of the line).
credit-note-mode = What to credit?
credit-note-mode-lines = The lines entered
credit-note-mode-full = The whole invoice
credit-note-qty = Quantity credited
credit-note-amount = Amount credited
field-credit-reason = Reason (required)
payments-title = Payments
payments-none = No payments.
payments-list = Payments received
payment-record = Record a payment
payment-choose-buyer = Choose
payment-no-open-invoice = This buyer has no invoice to pay: the payment will be a credit on its account.
payment-allocations = Allocation to invoices
payment-credit-hint = What is not allocated stays a credit of the buyer, to apply later.
field-payment-method = Payment method
field-received-on = Received on
field-payment-amount = Amount
field-payment-amount-hint = From $0.01 to $1,000,000.00.
field-payment-reference = Reference (cheque number, Interac confirmation)
statement-title = Statements of account
field-month = Month
statement-show = Show
statement-pdf = Download the statement (PDF)
statement-invoiced = Invoiced
statement-credited = Credited
statement-paid = Paid
statement-closing = Closing balance
statement-choose = Choose a buyer and a month.
reminders-on = This buyer gets one reminder a week for each overdue invoice.
reminders-off = Reminders of overdue invoices are off for this buyer.
reminders-switch-off = Switch reminders off
reminders-switch-on = Switch reminders on
## Billing: producers' statements and payouts
err-payout_date_invalid = A payout is dated today or earlier, between 2000 and 2100.
err-statement_already_paid = This statement is already paid.
err-statement_empty = Nothing of this producer in this period is left to put on a statement.
statements-title = Producer statements and payouts
statements-intro = Choose a period: each producer shows what was delivered and invoiced at its price, your margin and its losses. Issue its statement, then record the payout.
statements-intro-producer = Your statements: what each hub sold of your products, at your price, and what it paid you.
statements-issued = Issued statements
statements-none = No statements yet.
statements-download = Download { $number }
field-statement-period = Cycle
field-statement-month = Or a month
field-statement-month-hint = For example 2026-12.
statement-choose-period = Choose a cycle
statement-show-period = Show this cycle
statement-show-month = Show this month
statement-period-cycle = Cycle { $cycle }
statement-period-month = Month { $month }
statement-balance = The period's balance
statement-balance-invoiced = Invoiced to buyers
statement-balance-producers = Owed to producers
statement-balance-margin = Hub margin
statement-balance-fees = Delivery fees and deposits
statement-balance-taxes = GST and QST
statement-balance-lines = Invoice lines on a statement: { $on }; not yet: { $left }.
statement-drafts = To put on a statement
statement-drafts-none = Nothing to put on a statement for this period.
statement-issue = Issue { $producer }'s statement
field-losses-charged-to = Losses borne by
charged-to-producer = the producer
charged-to-hub = the hub
field-paid-on = Payout date
field-payout-reference = Reference (cheque, transfer)
statement-mark-paid = Record the payout
statement-not-paid = Not paid yet
pstatement-paid-line = Paid on { $date } (ref. { $reference })
flash-statement-issued = Statement issued.
flash-payout-recorded = Payout recorded.
col-statement = Statement
col-hub = Hub
col-period = Period
col-owed = Owed
col-payout = Payout
col-lines = Lines
col-buyer-amount = Paid by the buyer
col-margin = Hub margin
col-producer-price = Producer price
col-charged-to = Borne by
col-value = Value
col-action = Action
pstatement-doc-title = Statement { $number }
statement-producer-line = Producer: { $name }
statement-dates-line = Invoices from { $from } to { $to }
statement-lines = Delivered and invoiced
statement-adjustments = Adjustments: losses and donations
statement-buyers-paid = Paid by buyers (before taxes): { $amount }
statement-hub-margin = Hub margin: { $amount }
statement-producer-amount = At your price: { $amount }
statement-adjustments-total = Losses borne by the hub: { $amount }
statement-owed = Amount owed: { $amount }
statement-payout = Payout
statement-margin-note = The hub's margin is what the buyer paid less your price. Delivery fees and taxes are invoiced by the hub and are not part of this statement.
mail-statement-issued-subject = Statement { $number } ({ $hub })
mail-statement-issued-body =
    Hello { $name },

    { $hub } issued your statement { $number }: you are owed { $owed }.

    Download it: { $link }
mail-statement-paid-subject = Payout of statement { $number } ({ $hub })
mail-statement-paid-body =
    Hello { $name },

    { $hub } paid you { $owed } for statement { $number } on { $date } (ref. { $reference }).

    The statement: { $link }
nav-statements = Statements
invoices-download-ubl = { $number } as XML (UBL)
err-export_too_large = An export covers at most 366 days and 5,000 invoices: choose a shorter range.
export-quickbooks-title = Export for QuickBooks Online
export-quickbooks-hint = The period's invoices, one row per product, in the columns QuickBooks Online's invoice import recognizes.
field-export-from = From
field-export-to = To
export-quickbooks-download = Download the CSV

## Coupons: paper coupons
paper-title = Paper coupons
paper-lead = Printed coupons of a fixed value in one product group, for people without a card. Only a coupon recorded as handed out is accepted at a register, once, until its date.
paper-hand-out-title = Record a coupon handed out
paper-hand-out = Record as handed out
field-paper-coupon = Coupon
field-paper-coupon-hint = Scan the QR code or type the 14 digits of the serial number.
field-paper-participant = Handed to
paper-participant-unknown = Person not named
paper-issue-title = Issue a batch of coupons
paper-issue = Issue the batch
field-paper-value = Value of a coupon
field-paper-size = Number of coupons
field-paper-size-hint = 1 to 1,000 coupons a batch.
field-paper-expires-on = Last valid day
field-paper-expires-on-hint = Tomorrow to two years ahead. After that day, the value of unused coupons goes back where it came from.
field-paper-partner = Organization that hands the coupons out
field-paper-source = The money comes from
paper-source-reserve = The program's reserve
paper-void-title = Void a coupon
paper-void = Void the coupon
paper-batches = Batches
paper-none = No batch of paper coupons yet.
paper-batch = Batch
paper-batch-number = Batch { $batch } ({ $n } coupons)
paper-print = Print
paper-status-issued = issued
paper-status-handed_out = handed out
paper-status-redeemed = redeemed
paper-status-expired = expired
paper-status-voided = voided
paper-sheet-title = Paper coupons — batch { $batch }
paper-sheet-expiry = Valid until { $date } included
register-paper-title = Paper coupon
register-paper-redeem = Accept the coupon
flash-paper-issued = The batch of coupons is issued. Print it from the list of batches.
flash-paper-handed-out = The coupon is recorded as handed out.
flash-paper-voided = The coupon is voided and its value went back where it came from.
flash-paper-redeemed = Coupon accepted: the value printed on the coupon is paid.
err-paper_unknown = No coupon of your programs has this number or code.
err-paper_batch_size = Enter a number of coupons from 1 to 1,000.
err-paper_expired = This coupon has expired.
err-paper_expiry_invalid = Choose a last day from tomorrow to two years ahead.
err-paper_not_handed_out = This coupon was never recorded as handed out to someone: it cannot be accepted.
err-paper_redeemed = This coupon was already used.
err-paper_serial_invalid = This serial number is mistyped: it has 14 digits, check them.
err-paper_state = This action is not possible in the coupon's current state.
err-paper_voided = This coupon was voided.
## Coupons: funder reports
freport-purchases = Purchases
freport-participants = Participants who used their card
freport-cards = Cards used
freport-markets = Markets
freport-basket = Average basket
freport-move = Movement
freport-move-funding = Funding
freport-move-load = Scheduled loads
freport-move-manual_load = Manual loads
freport-move-return = Returns (expired or replaced)
freport-move-correction = Corrections
freport-entries = Entries
freport-balance = Envelope balance
freport-balance-total = Total balance
freport-history = History
freport-history-link = See the history
freport-history-title = Envelope history
freport-history-hint = Each funding, the loads drawn from the envelope, the funds that came back (expired or replaced) and corrections, with the balance after each line. Loads of the same day are grouped.
freport-history-empty = No movement yet.
freport-charts = Spending in charts
freport-chart-month = Spending by month
freport-chart-market = Spending by market
freport-chart-group = Spending by product group
freport-chart-desc = Bar chart: { $title }, { $n } bars, sales less refunds. The table that follows gives the amounts.
freport-chart-empty = No spending in this period.
freport-month = Month
freport-monthly-title = Monthly report by e-mail
freport-monthly-hint = On the 1st of each month, receive the previous month's figures (loads, spending, purchases, participants, average basket) with a link to this report and its XLSX workbook.
freport-monthly-field = I want to receive this program's monthly report
freport-flash-monthly-on = You will receive this program's monthly report.
freport-flash-monthly-off = You will no longer receive this program's monthly report.
freport-mail-subject = Monthly report of { $program }: { $month }
freport-mail-body =
    Hello,

    Here is the report of { $program } for { $month }.

    Loaded onto cards: { $loaded }
    Spent at markets: { $spent }
    Refunded: { $refunded }
    Expired or replaced: { $expired }
    Owed to markets: { $owed }
    Purchases: { $purchases }
    Participants who used their card: { $participants }
    Participants who received a load: { $loaded_people }
    Average basket: { $basket }

    The detailed report: { $link }
    The XLSX workbook: { $xlsx }
    (These links ask you to sign in.)

    You receive this e-mail because you asked for it on the program's reports page; you can stop it there.
## Billing: exports and corrections
err-payment_voided = This payment was voided: it no longer counts and can be neither applied nor voided again.
export-journal-title = Export the accounting journal
export-journal-hint = The invoices, credit notes, payments, producer statements and payouts of the period, every entry balanced, in the columns of QuickBooks Online’s journal-entry import.
export-journal-download = Download the journal (CSV)
journal-accounts-title = Journal accounts
journal-accounts-intro = The name of each account as your chart of accounts has it: the exported journal uses them.
journal-accounts-save = Save the accounts
journal-account-default = Default: { $name }
journal-account-receivables = Accounts receivable
journal-account-bank = Bank (payments received and payouts)
journal-account-sales_taxable = Taxable sales
journal-account-sales_zero_rated = Zero-rated sales
journal-account-sales_exempt = Exempt sales
journal-account-discounts = Discounts given
journal-account-delivery = Delivery income
journal-account-deposits = Deposits
journal-account-gst_payable = GST payable
journal-account-qst_payable = QST payable
journal-account-producers_payable = Owed to producers
journal-account-producer_purchases = Purchases from producers
journal-account-losses = Losses the hub bears
flash-journal-accounts-saved = Journal accounts saved.
col-payment-correct = Correct
payment-voided = Voided
payment-void = Void this payment
payment-void-reason = Reason
flash-payment-voided = Payment voided: its allocations are released. Record the right payment if needed.
credit-apply = Apply the credit
credit-apply-invoice = Invoice
flash-credit-applied = Credit applied to the invoice.
err-form-stale = This form is too old. Reload the page and start again.
err-form-sent-twice = This form was already sent and is being handled, or was sent again with other values. Reload the page to check.
credit-note-ubl = XML (UBL)
## Billing: tax statuses and mail
taxstatus-title = Tax statuses by date
taxstatus-intro = An invoice uses the GST and QST statuses in force on its date. Before the first dated status, the product's tax class stands for both taxes.
taxstatus-today = In force today: GST { $gst }, QST { $qst }.
taxstatus-history = History
taxstatus-from = From
taxstatus-from-hint = The first day the statuses apply (YYYY-MM-DD, years 2000 to 2100).
taxstatus-gst = GST
taxstatus-qst = QST
taxstatus-before-first = Before the first date
taxstatus-zero_rated = zero-rated
taxstatus-taxable = taxable
taxstatus-exempt = exempt
taxstatus-add-title = Add a status from a date
taxstatus-add-hint = A status added again for the same day replaces it. Invoices already issued keep theirs.
taxstatus-add = Add the status
taxstatus-link = GST and QST statuses by date
taxstatus-products-title = Products' GST and QST statuses
taxstatus-products-hint = Your producers' products: see their tax history and add a status from a date (for example, zero-rated for QST from 2026-07-15).
flash-taxstatus-saved = Tax status saved.
err-tax_status_date_invalid = A tax status starts on a day of the years 2000 to 2100.
flash-adjust-already = This load or correction was already recorded: nothing was loaded again.

# --- setup ---
err-ends_in_past = The last day is already past.
err-expiry_in_past = The last usable day is already past.
err-market_group_in_use = This market group still has markets in it: take them out first, or archive the group.
err-schedule_started = Loads have run or the calendar has started: its first day can no longer change.
flash-schedule-changed = Allocation schedule changed.
schedule-edit = Change
schedule-edit-title = Change the allocation schedule
schedule-edit-hint = First see what the change does, and for how many participants; it applies only once confirmed. Loads already made do not change.
schedule-edit-starts-hint = Only before it starts, while no load has run.
schedule-edit-moment-hint = Under way, the new frequency applies from tomorrow; the loads already made count against the maximum.
schedule-edit-expiry-hint = For loads to come. When unspent funds stay on the card, moving the expiry date also moves it for the funds still usable.
schedule-edit-amounts-hint = For loads to come; the envelopes' reservations follow.
schedule-edit-preview = See what changes
schedule-edit-confirm = Confirm the change
schedule-preview-title = What the change does
schedule-preview-nothing = Nothing changes.
schedule-preview-fields = Fields changed:
schedule-preview-participants = { $n } of { $enrolled } enrolled participant(s) see their loads to come change.
schedule-preview-reserved = Reserved in the envelopes for loads to come: { $before } before, { $after } after.
schedule-preview-lots = { $n } load(s) already made on { $cards } card(s), { $amount } still usable, take the new expiry date.
schedule-preview-made = Loads already made do not change.
schedule-preview-short = { $partner }'s envelope is { $amount } short: raise its budget before confirming.
schedule-field-name = name
schedule-field-starts_on = first day
schedule-field-ends_on = last day
schedule-field-moment = frequency
schedule-field-max_loads = maximum number of loads
schedule-field-expiry = expiry
schedule-field-amounts = amounts
market-group-rename-label = New name of the group
market-group-rename = Rename
market-group-delete = Delete the group
register-rename-label = Register name
register-rename = Rename
report-note-remaining = By market, "Remaining" is what was loaded by that market minus what was spent there: loads are made by no market, so a market where people spend shows a negative remainder. The total is what is left on cards.
report-note-reach = "Enrolled" counts the participants active today; "received funds" counts everyone who received a load in the period, including people removed since, so it can be larger.
# --- imports ---
err-sample_row = This is the template's sample row: delete it before importing.
err-duplicate_id2 = Someone else in your organization already has this identifier 2.
err-duplicate_id2_in_file = This identifier 2 appears twice in the file.
err-import_not_a_list = This file is not an .xlsx or .csv workbook of participants: none of its columns is the template's. Download the template and fill it in.
err-import_encoding = This file is neither an .xlsx workbook nor a UTF-8 .csv file. In your spreadsheet, save it as "CSV UTF-8" or as .xlsx.
import-counts = { $created } new person(s), { $updated } updated, { $unchanged } unchanged.
import-changes = Changes
import-change-field = Field
import-change-before = Before
import-change-after = After
import-field-participant_type = Type
import-field-id1 = Identifier 1
import-field-id2 = Identifier 2
import-field-name = Name
import-field-phone = Phone
import-field-email = E-mail
import-field-postal_code = Postal code
import-field-notes = Notes
import-update-hint = A list imported again updates the people it already knows (same identifier 1): the preview shows each change, before and after. An empty cell keeps what is recorded.
err-invitation_days_out_of_range = An invitation stays valid 1 to 90 days: enter a whole number.
err-last_platform_admin = The platform must keep at least one administrator.
err-demote-self = You cannot take away your own platform administration: ask another administrator.
err-delete-self = You cannot delete your own account here.
err-delete-confirm = Tick the box to confirm deleting the account.
flash-user-promoted = This account now administers the platform.
flash-user-demoted = This account no longer administers the platform.
flash-user-deleted = Account deleted. Its past actions stay in the audit log and the ledger under a pseudonym.
flash-invitation-resent = Invitation sent again with a new link.
flash-settings-saved = Settings saved.
admin-promote = Make administrator
admin-promote-label = Make administrator of the platform: { $name }
admin-demote = Remove administration
admin-demote-label = Remove administration of the platform: { $name }
admin-delete = Delete the account
admin-delete-confirm = Delete { $name } (past actions stay under a pseudonym)
admin-user-deleted = deleted
admin-settings = Settings
field-invitation-days = Invitation validity (days)
field-invitation-days-hint = 1 to 90 days. Applies to invitations sent or sent again from now on.
members-resend = Send again
members-resend-label = Send the invitation to { $email } again
members-invitation-expired = expired on { $date }
# --- people ---
participant-return-hint = This person was removed from the program. Bring them back to enrol them again: their code, card and history stay the same.
participant-return = Bring this person back
flash-participant-returned = The person is back: enrol them in the schedules that apply.
participant-type-conflict = Their type gets nothing in these schedules: their loads to come there are $0.00. Change their type or the schedule's amounts.
participants-type-conflicts = These people are enrolled in a schedule that gives their type nothing (loads to come of $0.00): to resolve.
participant-type-change-effects = This change of type changes the loads to come. Check, then confirm.
participant-type-change-pending = Loads to come
participant-type-change-before = Before (per load, total)
participant-type-change-after = After (per load, total)
participant-type-change-nothing = nothing: to resolve
participant-type-change-confirm = I confirm this change and its effects on the loads to come
participant-load-skipped = skipped (card unused)
participant-load-no-card = no card
participant-reissue-all = Load the { $count } loads of { $schedule } now
err-max_loads_reached = This person has already received every load allowed: raise their number of loads first.
err-no_card = This person has no card: give them one first.
err-participant_active = This person is active: there is nothing to bring back.
err-type_change_unconfirmed = This change of type changes the loads to come: check its effects and confirm.

# --- lead, stop 26 ---
err-allowance_outside_program = Off-platform funds run within the program's season: from its first day to its last.
