# Halles — français (langue par défaut)

## Commun
skip-to-content = Aller au contenu
lang-switch = English
save = Enregistrer
back-to-login = Retour à la connexion
footer-api = API
footer-tagline = Halles, la plateforme partagée des systèmes alimentaires de proximité
form-error-summary = Il y a un problème
export-csv = Exporter en CSV
export-xlsx = Exporter en Excel (XLSX)

## Navigation
nav-label = Navigation principale
nav-home = Accueil
nav-members = Membres
nav-audit = Journal d'audit
nav-tokens = Jetons d'API
nav-admin = Administration
nav-account = Mon compte
nav-help = Aide
nav-logout = Se déconnecter
nav-my-organizations = Mes organisations

## Mois
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

## Types d'organisation et rôles
kind-hub = Pôle nourricier
kind-producer = Producteur
kind-buyer = Acheteur
kind-program_operator = Gestionnaire de programme
kind-partner_org = Organisme partenaire
kind-market = Marché
kind-funder = Bailleur de fonds
role-admin = Administrateur·trice
role-staff = Équipe
role-cashier = Caissier·ère
role-viewer = Lecture seule
scope-org-read = lire l'organisation et ses membres
scope-org-write = inviter des membres
scope-audit-read = lire le journal d'audit
scope-catalog-read = lire les produits, cycles et catalogues
scope-catalog-write = modifier les produits et les disponibilités
scope-cycles-write = créer et modifier les cycles de commande
scope-orders-read = lire les commandes
scope-orders-write = passer, modifier et annuler des commandes
scope-coupons-read = lire les programmes, participants, cartes et rapports
scope-coupons-write = inscrire des participants, gérer les cartes et les versements
scope-redemptions-write = encaisser et rembourser aux caisses du marché

## Champs
field-email = Adresse courriel
field-password = Mot de passe
field-new-password = Nouveau mot de passe
field-password-confirm = Confirmez le mot de passe
field-current-password = Mot de passe actuel
field-name = Nom
field-lang = Langue
field-role = Rôle
field-kind = Type d'organisation
field-org-name = Nom de l'organisation
field-admin-email = Courriel de la personne administratrice
field-token-name = Nom du jeton
field-scopes = Permissions
hint-password = Au moins 10 caractères. Une phrase facile à retenir fait un bon mot de passe.
hint-token-name = Par exemple : « Logiciel comptable » ou « Caisse du kiosque ».
hint-admin-email = Cette personne recevra une invitation pour devenir administratrice de l'organisation.

## Erreurs de formulaire
err-required = Ce champ est obligatoire.
err-too_long = Ce texte est trop long.
err-too_many_rows = Trop de lignes : au plus 20 000 par envoi. Divisez la liste.
err-invalid_characters = Ce texte contient un caractère invisible refusé (caractère nul, de contrôle ou qui inverse le sens du texte). Retirez-le ou retapez le texte.
err-email_invalid = Entrez une adresse courriel valide, comme nom@exemple.ca.
err-password_too_short = Le mot de passe doit avoir au moins 10 caractères.
err-password_common = Ce mot de passe est trop courant : il figure (ou presque) dans les listes de mots de passe les plus utilisés, que les pirates essaient en premier. Choisissez-en un autre, par exemple une phrase de quelques mots.
err-password_mismatch = Les deux mots de passe ne sont pas identiques.
err-password_wrong = Le mot de passe actuel n'est pas le bon.
err-role_invalid = Choisissez un rôle dans la liste.
err-kind_invalid = Choisissez un type d'organisation dans la liste.
err-lang_invalid = Choisissez une langue.
err-scope_required = Cochez au moins une permission.
err-email_taken = Un compte existe déjà avec cette adresse courriel.
err-already_member = Cette personne est déjà membre de l'organisation.
err-role_not_allowed = Ce rôle n'existe pas pour ce type d'organisation.
err-last_admin = L'organisation doit garder au moins une personne administratrice.
err-idempotency_key_invalid = La clé d'idempotence doit avoir de 1 à 255 caractères.
err-instant_invalid = Date illisible : utilisez le format RFC 3339, par exemple 2026-11-28T14:00:00Z.
err-reset_invalid = Ce lien de réinitialisation n'est plus valide.
err-invitation_invalid = Cette invitation n'est plus valide.
err-login-failed = Courriel ou mot de passe incorrect.
err-login-disabled = Ce compte est désactivé. Communiquez avec l'administration de la plateforme.
err-login-throttled = Trop de tentatives. Attendez une minute avant de réessayer.
err-reset-throttled = Trop de demandes de réinitialisation. Attendez quelques minutes avant de réessayer.
err-disable-self = Vous ne pouvez pas désactiver votre propre compte.

## Pages d'erreur
error-title = Page indisponible
error-back-home = Retour à l'accueil
err-not-found = Cette page n'existe pas, ou vous n'y avez pas accès.
err-forbidden = Votre rôle ne permet pas d'ouvrir cette page.
err-csrf = Le formulaire a expiré. Revenez en arrière, rechargez la page et réessayez.
err-bad-form = Le formulaire envoyé est illisible. Rechargez la page et réessayez.
err-internal = Une erreur inattendue s'est produite. Réessayez dans un moment.
err-busy = Le serveur est très occupé. Réessayez dans quelques secondes.
err-bad-request = La requête envoyée est illisible. Rechargez la page et réessayez.
err-too-large = Ce que vous avez envoyé est trop volumineux.
err-wrong-kind = Ce type d'organisation ne fait pas cette action.

## Messages
flash-logged-out = Vous êtes déconnecté·e.
flash-password-reset = Votre mot de passe a été changé. Connectez-vous avec le nouveau.
flash-password-changed = Mot de passe changé. Connectez-vous de nouveau.
flash-account-saved = Vos informations sont enregistrées.
flash-invitation-sent = Invitation envoyée par courriel.
flash-invitation-revoked = Invitation annulée.
flash-invitation-accepted = Bienvenue ! Vous faites maintenant partie de l'organisation.
flash-role-changed = Rôle modifié.
flash-member-removed = Membre retiré de l'organisation.
flash-token-revoked = Jeton révoqué : il ne fonctionne plus.
flash-org-created = Organisation créée. Son administratrice ou administrateur a reçu une invitation.
flash-user-disabled = Compte désactivé.
flash-user-enabled = Compte réactivé.
flash-job-retried = Tâche remise dans la file.

## Connexion
login-title = Connexion
login-intro = Connectez-vous avec votre adresse courriel et votre mot de passe.
login-submit = Se connecter
login-forgot = Mot de passe oublié ?
login-demo-title = Comptes de démonstration
login-demo-password = Mot de passe de tous les comptes : { $password }
demo-platform-admin = Administration de la plateforme
demo-hub-admin = Pôle nourricier, coordination
demo-hub-staff = Pôle nourricier, équipe
demo-producer = Producteur (ferme)
demo-buyer = Acheteur (CPE)
demo-operator = Gestionnaire du programme de coupons
demo-partner = Organisme partenaire
demo-market-admin = Marché, gestion
demo-cashier = Marché, caisse
demo-funder = Bailleur de fonds
forgot-title = Mot de passe oublié
forgot-intro = Entrez votre adresse courriel. Si un compte existe, vous recevrez un lien valide pendant une heure.
forgot-submit = Envoyer le lien
forgot-sent = Si un compte existe pour cette adresse, un courriel avec un lien vient de partir. Le lien est valide pendant une heure.
reset-title = Choisir un nouveau mot de passe
reset-submit = Changer le mot de passe
reset-invalid = Ce lien n'est plus valide : il a déjà servi ou il a expiré. Demandez-en un nouveau.

## Courriels
mail-reset-subject = Halles : changer votre mot de passe
mail-reset-body =
    Bonjour { $name },

    Pour choisir un nouveau mot de passe, ouvrez ce lien (valide pendant une heure) :
    { $link }

    Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.

    L'équipe Halles
mail-invite-subject = Invitation à rejoindre { $org } sur Halles
mail-invite-body =
    Bonjour,

    { $inviter } vous invite à rejoindre { $org } sur Halles, avec le rôle « { $role } ».

    Pour accepter, ouvrez ce lien avant le { $expires } :
    { $link }

    Si vous ne vous attendiez pas à cette invitation, ignorez ce message.

    L'équipe Halles

## Accueil
home-title = Accueil
home-none-title = Bienvenue sur Halles
home-none-body = Votre compte ne fait encore partie d'aucune organisation. Demandez à une personne administratrice de vous inviter.
home-your-role = votre rôle : { $role }
home-next-title = Quoi faire maintenant
home-next-members = Inviter votre équipe et gérer les rôles
home-members-count = { $count } membre(s), { $pending } invitation(s) en attente
home-next-tokens = Relier un autre logiciel avec un jeton d'API
home-next-audit = Consulter le journal d'audit
home-next-guide = Lire le guide pour votre rôle
home-next-availability = Indiquer vos disponibilités de la semaine
home-next-products = Tenir votre catalogue à jour
home-next-cycles = Préparer ou suivre les cycles de commande
home-next-partners = Choisir vos producteurs et acheteurs
home-next-prices = Régler les listes de prix
home-next-shop = Commander pour la semaine
home-next-orders = Voir vos commandes
home-next-account = Vérifier votre nom, votre langue et votre mot de passe
home-coming-title = Bientôt dans Halles
home-intro-hub = Votre pôle nourricier réunit des producteurs et vend leurs produits à des institutions, des restaurants et des ménages.
home-intro-producer = Votre ferme vend ses produits par l'entremise d'un ou de plusieurs pôles nourriciers.
home-intro-buyer = Votre organisation achète des produits locaux auprès d'un pôle nourricier.
home-intro-program_operator = Votre organisation gère un programme de coupons nourriciers avec ses partenaires, ses marchés et ses bailleurs de fonds.
home-intro-partner_org = Votre organisme inscrit des participantes et participants à un programme de coupons nourriciers.
home-intro-market = Votre marché accepte les coupons nourriciers à ses caisses.
home-intro-funder = Votre organisation finance un programme de coupons nourriciers et en suit les résultats.
home-coming-hub = Commandes récurrentes, bons de commande aux producteurs, réception, emballage, tournées, étiquettes, factures et versements.
home-coming-producer = Photos des produits, bons de commande, relevés et versements.
home-coming-buyer = Commandes récurrentes, livraisons suivies et factures.
home-coming-program_operator = Groupes de marchés, mode kiosque et réclamations de remboursement.
home-coming-partner_org = Mode kiosque en libre-service pour vos participant·e·s.
home-coming-market = Mode kiosque en libre-service et réclamations de remboursement.
home-coming-funder = Rapports mensuels par courriel.

## Membres
members-title = Membres
members-invite-title = Inviter une personne
members-invite-intro = La personne reçoit un courriel avec un lien valide pendant 7 jours.
members-invite-submit = Envoyer l'invitation
members-list-title = Membres actuels
members-disabled = compte désactivé
members-role-of = Rôle de { $name }
members-change-role = Changer le rôle
members-remove = Retirer
members-remove-label = Retirer { $name } de l'organisation
members-pending-title = Invitations en attente
members-pending-none = Aucune invitation en attente.
members-pending-expires = Lien valide jusqu'au { $date }
members-revoke = Annuler
members-revoke-label = Annuler l'invitation de { $email }

## Invitations
invitation-title = Invitation
invitation-invalid = Cette invitation n'est plus valide : elle a déjà servi, elle a été annulée ou elle a expiré. Demandez-en une nouvelle.
invitation-offer = Vous êtes invité·e à rejoindre { $org } avec le rôle « { $role } ».
invitation-accept = Accepter l'invitation
invitation-wrong-account = Cette invitation est destinée à { $email }. Déconnectez-vous, puis ouvrez de nouveau le lien.
invitation-login-first = Se connecter pour accepter
invitation-register-intro = Créez votre compte pour { $email } : choisissez votre nom et un mot de passe.
invitation-create-account = Créer mon compte et accepter

## Journal d'audit
audit-title = Journal d'audit
audit-intro = Chaque création, modification et suppression faite dans votre organisation, par une personne ou par un jeton d'API.
audit-filters = Filtrer le journal
audit-all = Tout
audit-from = Du
audit-until = Au
audit-filter = Filtrer
audit-empty = Aucune entrée ne correspond.
audit-details = Avant et après
audit-see-receipt = Voir le reçu
audit-older = Entrées plus anciennes
audit-actor-system = Système
audit-actor-token = Jeton d'API n° { $id }
audit-action-create = Création
audit-action-update = Modification
audit-action-delete = Suppression
audit-col-when = Quand
audit-col-who = Qui
audit-col-action = Action
audit-col-entity = Élément
audit-col-id = Identifiant
audit-col-before = Avant
audit-col-after = Après

## Jetons d'API
tokens-title = Jetons d'API
tokens-intro = Un jeton permet à un autre logiciel de lire ou de modifier les données de votre organisation, selon les permissions cochées.
tokens-new = Nouveau jeton
tokens-create = Créer le jeton
tokens-created = Jeton créé.
tokens-copy-now = Copiez-le maintenant : il ne sera plus jamais affiché.
tokens-list = Jetons existants
tokens-none = Aucun jeton pour l'instant.
tokens-revoked = révoqué
tokens-created-at = créé le { $date }
tokens-revoke = Révoquer
tokens-revoke-label = Révoquer le jeton { $name }

## Mon compte
account-title = Mon compte
account-email = Adresse courriel : { $email }
account-profile = Nom et langue
account-password = Mot de passe
account-password-submit = Changer le mot de passe

## Administration
admin-title = Administration de la plateforme
admin-nav = Sections de l'administration
admin-orgs = Organisations
admin-org-new = Nouvelle organisation
admin-org-create = Créer et inviter
admin-users = Comptes
admin-users-intro = Un compte désactivé ne peut plus se connecter, et ses sessions ouvertes se terminent.
admin-platform-admin = administration
admin-disable = Désactiver
admin-disable-label = Désactiver le compte de { $name }
admin-enable = Réactiver
admin-enable-label = Réactiver le compte de { $name }
admin-outbox = Boîte d'envoi
admin-outbox-intro = Les courriels de la plateforme. Sans serveur de courriel configuré (et en démonstration), ils restent ici.
admin-outbox-to = À
admin-outbox-empty = Aucun courriel.
admin-outbox-sent = envoyé
admin-outbox-kept = conservé ici (pas de serveur de courriel)
admin-outbox-failed = échec de l'envoi
admin-outbox-queued = en attente
admin-jobs = Tâches de fond
admin-jobs-empty = Aucune tâche.
admin-jobs-attempts = essai { $n } sur { $max }
admin-jobs-retry = Réessayer

## Aide
help-guides = Guides
help-other-language = Read in English

## API
api-title = Documentation de l'API
api-intro = L'API permet à d'autres logiciels de travailler avec Halles. Les descriptions techniques ci-dessous sont en anglais.
api-openapi-link = Document OpenAPI 3.1 (JSON)
api-operations = Opérations
api-scopes = Permissions requises :
api-params = Paramètres
api-required = obligatoire
api-body = Corps de la requête :
api-responses = Réponses
api-schemas = Schémas
api-problems = Codes d'erreur
api-problems-intro = Chaque erreur est un document « problem details » (RFC 9457) avec un code stable et un message dans la langue demandée par l'en-tête Accept-Language.
problem-title-400 = Requête invalide
problem-title-401 = Authentification requise
problem-title-403 = Accès refusé
problem-title-404 = Introuvable
problem-title-409 = Conflit
problem-title-413 = Contenu trop volumineux
problem-title-422 = Données refusées
problem-title-500 = Erreur interne
problem-title-503 = Service occupé
problem-unauthorized = Fournissez un jeton d'API valide dans l'en-tête Authorization: Bearer.
problem-insufficient_scope = Ce jeton n'a pas la permission { $scope }.
problem-not_found = Rien ne correspond à cet identifiant dans votre organisation.
problem-malformed_body = Le corps de la requête n'est pas le JSON attendu.
problem-bad_request = La requête est illisible (paramètres, chemin ou en-têtes).
problem-body_too_large = Le corps de la requête dépasse la taille permise.
problem-busy = Le serveur est très occupé : réessayez après le délai de l'en-tête Retry-After.
problem-wrong_kind = Ce type d'organisation ne fait pas cette action.
problem-validation_failed = Certains champs sont invalides : voyez « errors ».
problem-idempotency_key_reused = Cette clé d'idempotence a déjà servi pour une autre requête.
problem-idempotency_key_in_progress = La première requête avec cette clé d'idempotence est encore en cours.
problem-invalid_cursor = Le curseur de pagination est illisible.
problem-internal = Une erreur inattendue s'est produite.

## Pôle nourricier : commun
back = Retour
edit = Modifier
nav-products = Produits
nav-availability = Disponibilités
nav-cycles = Cycles de commande
nav-partners = Producteurs et acheteurs
nav-prices = Listes de prix
nav-shop = Commander
nav-orders = Mes commandes
hint-optional = Facultatif.
hint-money = Montant en dollars, par exemple 12,50.
category-vegetables = Légumes
category-fruits = Fruits
category-dairy = Produits laitiers
category-meat_eggs = Viandes et œufs
category-grains = Grains, farines et légumineuses
category-sweet = Érable et miel
category-prepared = Plats préparés
unit-kg = au kilo
unit-each = à l'unité
unit-bunch = à la botte
unit-case = à la caisse
origin-quebec_grown = Cultivé ou élevé au Québec
origin-quebec_processed = Transformé au Québec
origin-outside_quebec = Hors Québec
cert-aliments_du_quebec = Aliments du Québec
cert-aliments_prepares_au_quebec = Aliments préparés au Québec
cert-organic = Biologique
tax-zero_rated = Détaxé (produit alimentaire de base)
tax-taxable = Taxable (TPS et TVQ)
tax-exempt = Exonéré
buyer-type-institution = Établissement
buyer-type-restaurant = Restaurant
buyer-type-grocer = Épicerie
buyer-type-household = Ménage
buyer-type-community_group = Groupe communautaire
cycle-status-draft = En préparation
cycle-status-open = Ouvert
cycle-status-closed = Fermé
cycle-status-completed = Terminé
cycle-action-open = Ouvrir les commandes
cycle-action-closed = Fermer les commandes
cycle-action-completed = Marquer comme terminé
cycle-action-draft = Remettre en préparation
order-status-placed = Passée
order-status-cancelled = Annulée
location-pickup = Point de cueillette
location-delivery = Zone de livraison

## Produits
products-title = Produits
products-intro = Votre catalogue : ce que vous pouvez offrir aux pôles avec lesquels vous travaillez.
products-new = Nouveau produit
products-edit = Modifier le produit
products-edit-label = Modifier { $name }
products-none = Aucun produit pour l'instant.
products-inactive = retiré
field-name-fr = Nom en français
field-name-en = Nom en anglais
field-category = Catégorie
field-description = Description
field-unit = Unité de vente
field-unit-detail = Contenu de l'unité
hint-unit-detail = Par exemple : « caisse de 12 × 500 g » ou « botte d'environ 300 g ».
field-catch-weight = Vendu au poids réel (pesé à l'emballage)
field-est-weight = Poids estimé d'une unité, en grammes
hint-est-weight = Obligatoire pour un produit vendu au poids réel.
field-tax-class = Taxes
field-origin = Origine
field-region = Région
field-certifications = Certifications
field-certification = Certification
field-organic-certifier = Organisme certificateur (biologique)
field-active = Offert aux acheteurs
flash-product-saved = Produit enregistré.
products-photo = Photo
products-photo-current = Photo actuelle du produit
products-photo-send = Envoyer la photo
field-photo = Choisir une photo
hint-photo = JPEG, PNG ou WebP, 8 Mo au plus. La photo est réduite à 800 pixels de côté.
flash-photo-saved = Photo enregistrée.
err-photo_missing = Choisissez d'abord une photo.
err-photo_unreadable = Ce fichier n'est pas une photo lisible (JPEG, PNG ou WebP).
err-choice_invalid = Choisissez une valeur dans la liste.
err-grams_invalid = Entrez un nombre entier de grammes, de 1 à 100 000 (100 kg), par exemple 450.
err-weight_required = Indiquez le poids estimé d'une unité.
err-certifier_required = Nommez l'organisme qui certifie le produit biologique.

## Disponibilités
availability-title = Disponibilités de la semaine
availability-intro = Pour chaque cycle de commande, indiquez ce que vous pouvez livrer et à quel prix.
availability-no-cycle = Aucun cycle de commande ne vous attend pour l'instant.
availability-open-grid = Remplir la grille
availability-open-grid-label = Remplir la grille de { $name } (heure limite : { $date })
availability-help = Laissez vide ce que vous n'offrez pas cette semaine. Quantité dans l'unité de vente, prix en dollars par unité. Cochez « Sur demande » pour un produit sans limite de quantité : indiquez seulement son prix.
availability-no-products = Ajoutez d'abord des produits à votre catalogue.
availability-reserved = déjà commandé : { $qty }
availability-copy = Copier la semaine dernière
availability-none = Rien cette semaine
availability-copied = Les quantités et prix de la semaine dernière sont copiés. Vérifiez-les, puis enregistrez.
availability-closed = Ce cycle est fermé : la grille ne peut plus changer.
field-quantity = Quantité
field-price = Prix
flash-availability-saved = Disponibilités enregistrées.
flash-availability-none = C'est noté : rien cette semaine.
err-qty_invalid = Entrez une quantité, par exemple 12 ou 2,5.
err-price_invalid = Entrez un prix, par exemple 3,50.
err-nothing_last_week = Rien à copier : vous n'aviez rien offert au cycle précédent.
err-below_reserved = Une quantité est plus petite que ce qui est déjà commandé.
err-producer_not_in_cycle = Ce producteur ne participe pas à ce cycle.
err-cycle_closed = Ce cycle est fermé.

## Cycles de commande
cycles-title = Cycles de commande
cycles-intro = Un cycle réunit les disponibilités des producteurs et les commandes des acheteurs jusqu'à l'heure limite.
cycles-none = Aucun cycle pour l'instant.
cycles-new = Nouveau cycle
cycles-create = Créer le cycle
cycles-no-producers = Ajoutez d'abord des producteurs dans « Producteurs et acheteurs ».
field-cycle-name = Nom du cycle
hint-cycle-name = Par exemple : « Semaine du 30 novembre ».
field-opens-at = Ouverture des commandes
field-closes-at = Heure limite des commandes
hint-closes-at = Heure de Montréal.
field-delivery-note = Précisions sur la livraison ou la cueillette
hint-delivery-note = Par exemple : « Livraison en matinée, cueillette de 14 h à 18 h ».
field-order-fee = Frais par commande
field-cycle-producers = Producteurs participants
field-locations = Points de cueillette et zones de livraison
field-location-kind = Type
field-location-name = Nom
field-location-fee = Frais
field-location-min = Commande minimum
cycle-dates = du { $opens } au { $closes }
cycle-copy = Copier pour la semaine prochaine
cycle-locations = Cueillette et livraison
cycle-location-terms = frais { $fee }, minimum { $min }
cycle-order-fee = Frais par commande : { $fee }
cycle-producers = Producteurs
cycle-enter-for = Saisir les disponibilités
cycle-enter-for-label = Saisir les disponibilités de { $name }
cycle-totals-producer = Totaux par producteur
cycle-totals-product = Totaux par produit
cycle-producer-amounts = au producteur { $producer } · aux acheteurs { $buyers }
cycle-orders = Commandes
cycle-phone-order = Prendre une commande pour un acheteur (par téléphone)
cycle-order-edit-label = Modifier la commande n° { $number } de { $buyer }
cycle-order-cancel-label = Annuler la commande n° { $number } de { $buyer }
cycle-orders-filter = Filtrer les commandes
cycle-no-orders = Aucune commande pour l'instant.
field-buyer = Acheteur
field-producer = Producteur
field-product = Produit
field-status = État
flash-cycle-created = Cycle créé, en préparation.
flash-cycle-status = État du cycle changé.
flash-cycle-copied = Cycle copié pour la semaine suivante.
err-datetime_invalid = Entrez une date et une heure.
err-closes_before_opening = L'heure limite doit venir après l'ouverture.
err-producer_required = Cochez au moins un producteur.
err-producer_not_linked = Ce producteur ne travaille pas avec votre pôle.
err-status_change_not_allowed = Ce changement d'état n'est pas possible.

## Partenaires et prix
partners-title = Producteurs et acheteurs
partners-producers = Producteurs avec qui vous travaillez
partners-buyers = Acheteurs que vous servez
partners-add-producer = Ajouter un producteur
partners-add-buyer = Ajouter un acheteur
partners-link = Ajouter
field-buyer-type = Type d'acheteur
flash-partner-linked = Partenaire ajouté.
err-not_a_producer = Cette organisation n'est pas un producteur.
err-not_a_buyer = Cette organisation n'est pas un acheteur.
prices-title = Listes de prix
prices-intro = Le prix d'un acheteur est le prix du producteur plus votre marge. La règle la plus précise l'emporte : pour cet acheteur, puis pour ce produit, puis pour ce type d'acheteur, puis la marge par défaut.
prices-none = Aucune règle : les acheteurs paient le prix du producteur.
prices-default = Marge par défaut (tous les acheteurs)
prices-new = Nouvelle règle
prices-any = Tous
prices-add = Ajouter la règle
prices-remove = Retirer
field-margin = Marge (%)
hint-margin = Par exemple 15 ou 12,5.
flash-rule-added = Règle ajoutée.
flash-rule-removed = Règle retirée.
err-margin_invalid = Entrez une marge entre 0 et 1000 %, par exemple 15.

## Commander
shop-title = Commander
shop-intro = Les cycles de commande ouverts de vos pôles.
shop-none = Aucun cycle ouvert pour l'instant.
shop-order = Commander
shop-cutoff = heure limite : { $date }
catalog-title = Catalogue
catalog-for = Prix de { $buyer }
catalog-filters = Filtrer le catalogue
catalog-search = Rechercher
catalog-reorder = Reprendre ma dernière commande
catalog-empty = Aucun produit ne correspond.
catalog-left = reste { $qty }
catalog-sold-out = Épuisé
catalog-catch-weight = environ { $price } l'unité ({ $per_kg }/kg, environ { $grams } g ; le poids réel est pesé à l'emballage)
field-price-per-kg = Prix au kg
catalog-origin-quebec = Aliments du Québec (cultivés ou transformés)
orders-quebec-share = Part d'aliments du Québec dans vos commandes : { $share } % (en dollars, commandes passées).
catalog-checkout = Finaliser la commande
catalog-place-order = Passer la commande
catalog-save-order = Enregistrer les changements
field-location = Cueillette ou livraison
field-po-number = Votre numéro de bon de commande
field-note = Note pour le pôle
flash-order-placed = Commande passée. Un courriel de confirmation est parti.
flash-order-changed = Commande modifiée.
flash-order-cancelled = Commande annulée.
err-empty_order = Indiquez une quantité pour au moins un produit.
err-shortage = Il n'en reste pas assez : réduisez la quantité.
err-below_minimum = La commande n'atteint pas le minimum de ce point de cueillette ou de cette zone.
err-location_required = Choisissez un point de cueillette ou une zone de livraison.
err-unknown_location = Choisissez un point de cueillette ou une zone de livraison de la liste.
err-not_offered = Ce produit n'est pas offert dans ce cycle.
err-qty_not_whole = Ce produit se vend à l'unité, en botte ou en caisse : indiquez un nombre entier.
err-qty_zero = Indiquez une quantité plus grande que zéro.
err-unknown_product = Ce produit n'est pas au catalogue des producteurs du pôle.
err-cycle_not_open = Les commandes de ce cycle sont fermées.
err-order_not_editable = Cette commande ne peut plus changer.
orders-title = Mes commandes
orders-none = Aucune commande pour l'instant.
orders-lines = { $count } produit(s)
order-number = Commande n° { $number }
order-for-buyer = Commande de { $buyer }
order-po = Bon de commande : { $po }
order-subtotal = Sous-total
order-fees = Frais
order-gst = TPS (5 %)
order-qst = TVQ (9,975 %)
order-total = Total
order-change = Modifier la commande
order-cancel = Annuler la commande
mail-order-subject = Commande n° { $number } confirmée ({ $hub })
mail-order-body =
    Bonjour { $name },

    Votre commande n° { $number } à { $hub } est confirmée :
    { $lines }

    Total avec frais et taxes : { $total }

    { $delivery }

    Pour la voir ou la modifier avant l'heure limite :
    { $link }

    L'équipe Halles

## Commandes récurrentes
nav-standing = Commandes récurrentes
standing-title = Commandes récurrentes
standing-intro = Les mêmes produits chaque semaine, ou toutes les quelques semaines, jusqu'à une date. À l'ouverture de chaque cycle, la commande est passée avec ce qui est disponible, et vous recevez un courriel.
standing-none = Aucune commande récurrente. Ouvrez une commande et choisissez « Répéter cette commande ».
standing-every = toutes les { $weeks } semaine(s)
standing-until = jusqu'au { $date }
standing-stopped = arrêtée
standing-skip-next = la prochaine semaine sera sautée
standing-runs = Dernières semaines
standing-run-skipped = semaine sautée
standing-run-failed = rien n'a pu être commandé
standing-short = { $product } : { $got } sur { $wanted } demandé(s)
standing-skip = Sauter la prochaine semaine
standing-stop = Arrêter
standing-repeat-title = Répéter cette commande
standing-repeat-intro = Les mêmes produits seront commandés à l'ouverture des prochains cycles, avec ce qui est disponible.
standing-repeat = Répéter
field-every-weeks = Fréquence
field-until = Jusqu'au
flash-standing-created = Commande récurrente créée.
flash-standing-skipped = La prochaine semaine sera sautée.
flash-standing-stopped = Commande récurrente arrêtée.
err-until_invalid = Choisissez une date de fin.
err-order_exists_for_delivery = Vous avez déjà une commande pour cette livraison : modifiez-la plutôt.
err-too_many_lines = Une commande compte au plus 500 lignes.
err-until_too_far = La date de fin peut être au plus deux ans plus tard.
err-unit_changed = Ce produit se vend maintenant dans une autre unité : retirez la ligne, enregistrez, puis commandez-le à nouveau.
err-already_ordered = Cette commande contient déjà ce produit.
err-gs1_prefix_invalid = Un préfixe d’entreprise GS1 compte de 6 à 12 chiffres.
err-cases_invalid = Donnez à chaque ligne un numéro de caisse de 1 au nombre de caisses (au plus 200).
err-cycle_still_open = Les commandes sont encore ouvertes : cette étape vient après l’heure limite.
err-lot_code_invalid = Un numéro de lot compte de 1 à 20 lettres, chiffres, tirets, points ou barres obliques.
err-lot_code_taken = Un autre lot porte déjà ce numéro.
err-not_enough_stock = Il n’y en a pas autant en stock (hors commandes).
err-not_on_purchase_order = Ce produit n’est pas sur le bon de commande du producteur pour cette livraison.
err-order_delivered = Cette commande a été livrée : elle ne change plus.
err-recipient_required = Indiquez le nom de la personne qui a reçu la livraison.
err-substitute_required = Choisissez le produit qui le remplace, et la quantité.
err-unknown_lot = Aucun lot ne porte ce numéro.
err-weight_invalid = Indiquez un poids en grammes par unité, de 1 g à 100 kg chacun.
err-weight_out_of_tolerance = Ces poids s’écartent de plus de 15 % de l’estimation : vérifiez-les et confirmez.
err-weights_missing = Pesez les unités de ce produit avant d’emballer la commande.
err-until_in_past = La date de fin doit être dans le futur.
err-every_weeks_invalid = Choisissez une fréquence de 1 à 8 semaines.
mail-standing-subject = Votre commande récurrente chez { $hub }
mail-standing-placed = Elle est devenue la commande n° { $number }.
mail-standing-skipped = Cette semaine a été sautée, comme demandé.
mail-standing-failed = Rien n'a pu être commandé cette semaine.
mail-standing-no-shortage = Tout ce que vous demandez était disponible.
mail-standing-short = - { $product } : { $got } sur { $wanted }
mail-standing-body =
    Bonjour { $name },

    Un nouveau cycle de commande est ouvert chez { $hub }. Votre commande récurrente :
    { $outcome }

    { $shortages }

    Pour voir ou changer vos commandes récurrentes :
    { $link }

    L'équipe Halles

## Food-coupon programs
nav-programs = Programmes
nav-register = Caisse
search = Chercher
filter = Filtrer
all = Tous
yes = oui
no = non
col-code = Code
col-card = Carte
col-active = Actif
access-operator = Opérateur
access-partner = Organisme partenaire
access-market = Marché
access-funder = Bailleur de fonds
programs-title = Programmes de coupons
programs-none = Aucun programme pour l'instant.
programs-new = Nouveau programme
programs-create = Créer le programme
program-archived = archivé
program-sections = Sections du programme
program-totals = Où en sont les fonds
program-reach = { $enrolled } participant·e·s inscrit·e·s, { $loaded } ont reçu des fonds, { $used } ont utilisé leur carte.
program-groups = Groupes de produits
program-loyalty = fidélité : utilisable pour tout groupe, n'expire pas
program-types = Types de participant
program-members = Organisations participantes
program-add-member = Ajouter une organisation
program-add = Ajouter
schedules-title = Versements programmés
schedules-none = Aucun versement programmé.
schedules-new = Nouveau versement programmé
schedules-create = Créer le versement
schedule-max-loads = { $n } versements au plus
schedule-carry-over = Les fonds non dépensés restent sur la carte
schedule-replaced = Chaque versement remplace le précédent
schedule-usage-based = Versement seulement si la carte a servi
schedule-amounts = Montant par versement, par type de participant et groupe de produits
moment-first_of_month = le 1er du mois
moment-fifteenth = le 15 du mois
moment-first_and_fifteenth = le 1er et le 15 du mois
moment-weekly = chaque lundi
expiry-never = Les fonds n'expirent pas
expiry-on = Les fonds expirent après le { $date }
expiry-after = Les fonds expirent { $days } jours après leur versement
expiry-kind-date = À une date
expiry-kind-days = Après un nombre de jours
envelopes-title = Enveloppes budgétaires
envelope-line = réservé { $reserved } · versé { $loaded } · libre { $free }
envelopes-set = Fixer ou déplacer une enveloppe
envelopes-save = Enregistrer
envelope-no-move = (fixer le budget, sans déplacement)
envelope-reserved = Réservé
envelope-free = Libre
participants-title = Participant·e·s
participants-search = Code, identifiant, nom, téléphone ou numéro de carte
participants-none = Aucun·e participant·e trouvé·e.
participants-enrol = Inscrire une personne
participants-enrol-hint = Ne demandez que ce dont le programme a besoin. Le code est donné par la plateforme.
participants-enrol-submit = Inscrire
participant-removed = retiré·e
participant-no-card = pas de carte
participant-consent = consentement le { $date } ({ $purpose })
participant-card = Carte
participant-card-number = Numéro de la carte (vide : la prochaine carte libre)
participant-new-card = Numéro de la nouvelle carte
participant-new-card-hint = 16 chiffres imprimés sous le code QR. Laissez vide pour prendre la prochaine carte libre.
participant-give-card = Donner la carte
participant-balance-page = Page du solde de la carte (le lien du code QR, à donner à la personne)
participant-card-lost = Carte perdue : transférer le solde
participant-loads = Versements à venir
participant-no-loads = Aucun versement à venir.
participant-catch-up = Rattraper les versements manqués depuis le début
participant-enrol-schedule = Inscrire à ce versement
participant-remove = Retirer du programme
cards-title = Cartes
cards-batches = Lots de cartes
cards-batch = Lot { $batch } ({ $n } cartes) : feuille à imprimer (PDF)
cards-create-batch = Créer un lot
cards-sheet-title = Cartes — lot { $batch }
cards-sheet-hint = Solde : scannez le code
card-status-unassigned = libre
card-status-assigned = donnée
card-status-disabled = désactivée
card-status-lost = perdue
card-status-gift = carte-cadeau
card-holder = Titulaire
card-gift = Charger en carte-cadeau
card-gift-amount = Montant
card-disable = Désactiver la carte
card-enable = Réactiver
card-found = Retrouvée : remettre libre
card-public-title = Solde de ma carte
card-public-unusable = Cette carte ne peut plus servir. Adressez-vous à votre organisme.
card-public-note = Le solde se met à jour après chaque achat. Aucun renseignement personnel n'est affiché ici.
register-title = Caisse
register-step1 = Scannez la carte ou tapez son numéro.
register-step2 = Entrez le montant de l'achat par groupe, puis confirmez.
register-find = Voir le solde
register-scan = Scanner avec la caméra
register-recent = Dernières ventes
register-card = Carte { $number }
register-balance = Solde : { $amount }
register-loyalty = Fidélité : { $amount } utilisables pour tout groupe, après le solde du groupe.
register-confirm = Confirmer le paiement
register-cancel = Annuler
receipt-number = Reçu no { $number }
receipt-lines = Achats
receipt-total = Total payé
receipt-balances = Solde restant
receipt-next = Nouvelle vente
receipt-refunded = remboursé { $amount }
refund-title = Rembourser
refund-at-most = Au plus { $amount }
refund-submit = Rembourser
report-title = Rapports
report-by = Regrouper par
report-by-product_group = Groupe de produits
report-by-partner = Organisme partenaire
report-by-market = Marché
report-by-register = Caisse
report-by-market_group = Groupe de marchés
report-by-schedule = Versement programmé (bilan de fin de versement)
report-by-participant_type = Type de participant
report-none = (sans objet)
report-loaded = Versé
report-adjusted = Ajustements et cartes-cadeaux
report-spent = Dépensé
report-refunded = Remboursé
report-expired = Expiré
report-remaining = Restant
report-owed = Dû aux marchés
report-total = Total
report-reach = Participation
report-repeat = { $n } l'ont utilisée au moins deux jours différents.
field-card = Carte
field-card-hint = 16 chiffres, ou scannez le code QR
field-register = Caisse
field-starts-on = Début
field-ends-on = Fin
field-moment = Moment du versement
field-max-loads = Nombre maximal de versements
field-expiry = Expiration des fonds
field-expires-on = Date d'expiration
field-expires-days = Nombre de jours avant l'expiration
field-schedule = Versement programmé
field-partner = Organisme partenaire
field-move-from = Déplacer depuis
field-budget = Montant
field-budget-hint = En dollars, par exemple 2500 ou 2 500,00
field-batch-size = Nombre de cartes
field-participant-type = Type de participant
field-id1 = Identifiant 1
field-id1-hint = Unique dans votre organisme, par exemple votre numéro de dossier
field-id2 = Identifiant 2
field-phone = Téléphone
field-postal-code = Code postal
field-notes = Notes
field-receipts = Envoyer les reçus par courriel
field-consent-on = Date du consentement
field-consent-purpose = Objet du consentement
field-consent-purpose-hint = Par exemple : participation au programme et envoi des reçus
field-reason = Raison
field-from = Du
field-to = Au
flash-program-created = Programme créé.
flash-schedule-created = Versement programmé créé.
flash-member-added = Organisation ajoutée au programme.
flash-envelope-saved = Enveloppe enregistrée.
flash-participant-enrolled = Personne inscrite.
flash-enrolled = Inscription au versement faite : le montant est réservé dans l'enveloppe.
flash-card-assigned = Carte donnée.
flash-card-replaced = Nouvelle carte donnée ; le solde y a été transféré.
flash-participant-removed = Personne retirée ; ses réservations sont revenues dans l'enveloppe.
flash-batch-created = Lot de cartes créé.
flash-saved = Enregistré.
flash-redeemed = Paiement accepté.
flash-refunded = Remboursement fait.
err-date_invalid = Entrez une date valide (AAAA-MM-JJ).
err-ends_before_start = La fin doit venir après le début.
err-max_loads = Entrez un nombre entier plus grand que zéro.
err-batch_size = Entrez un nombre de cartes entre 1 et 5 000.
err-card_number_length = Un numéro de carte a 16 chiffres.
err-card_check_digit = Ce numéro de carte contient une faute de frappe : vérifiez les chiffres.
err-card_unknown = Aucune carte de vos programmes ne porte ce numéro.
err-card_disabled = Cette carte est désactivée.
err-card_lost = Cette carte a été déclarée perdue.
err-card_unassigned = Cette carte n'a pas encore été donnée à une personne.
err-insufficient_funds = Le solde ne suffit pas pour ce montant.
err-empty_redemption = Entrez au moins un montant.
err-negative_amount = Les montants ne peuvent pas être négatifs.
err-invalid_amount = Entrez un montant valide.
err-amount_too_large = Ce montant dépasse le maximum permis : 100 000,00 $ par mouvement, ligne ou prix.
err-budget_too_large = Ce montant dépasse le maximum permis : 10 000 000,00 $ par budget, enveloppe ou programme.
err-qty_too_large = Cette quantité dépasse le maximum permis : 100 000 unités.
err-unknown_register = Cette caisse n'existe pas ou est fermée.
err-refund_exceeds_payment = On ne peut pas rembourser plus que ce qui a été payé.
err-refund_selling_market_only = Seul le marché qui a fait la vente peut la rembourser.
err-over_budget = L'enveloppe budgétaire ne suffit pas.
err-below_committed = Le budget ne peut pas descendre sous ce qui est déjà réservé et versé.
err-no_envelope = Cet organisme n'a pas d'enveloppe pour ce versement.
err-not_a_partner = Cette organisation n'est pas partenaire du programme.
err-duplicate_id1 = Une autre personne de votre organisme a déjà cet identifiant.
err-unknown_type = Choisissez un type de participant du programme.
err-consent_required = Indiquez la date et l'objet du consentement.
err-card_not_free = Cette carte est déjà donnée.
err-no_free_card = Il n'y a plus de carte libre : demandez un nouveau lot.
err-unknown_card = Aucune carte libre du programme ne porte ce numéro.
err-already_has_card = Cette personne a déjà une carte.
err-card_state = Cette action n'est pas possible dans l'état actuel de la carte.
err-card_has_funds = La carte a encore des fonds : déclarez-la perdue pour les transférer.
err-no_missed_load = Aucun versement manqué à cette date.
err-schedule_ended = Ce versement programmé est terminé.
err-operator_assigns_cards = Dans ce programme, c'est l'opérateur qui donne les cartes.
err-participant_removed = Cette personne a été retirée du programme.
err-already_enrolled = Cette personne est déjà inscrite à ce versement.
err-schedule_archived = Ce versement programmé est archivé.
err-reason_required = Indiquez une raison.
err-idempotency_key_reused = Cette opération vient d'être faite une fois déjà. Recommencez.
err-concurrent_update = Une autre opération vient de modifier cette carte ; réessayez.
err-unknown_group_or_type = Un groupe de produits ou un type de participant n'existe pas dans ce programme.
err-wrong_kind = Cette organisation ne peut pas avoir ce rôle.
err-duplicate_name = Ce nom existe déjà.
err-negative_budget = Le budget ne peut pas être négatif.
err-name_required = Le nom est obligatoire.
err-code_collision = Réessayez.
home-next-register = Ouvrir la caisse et encaisser une carte
home-next-programs = Voir les programmes de coupons
import-title = Importer une liste
import-intro = Importez vos participant·e·s d'un fichier CSV ou XLSX. Halles vérifie chaque ligne et montre les problèmes ; rien n'est enregistré tant qu'une ligne a un problème.
import-template = Modèle à remplir :
import-preview = Vérification
import-problems = { $n } ligne(s) sur { $total } ont un problème : corrigez le fichier, puis vérifiez de nouveau. Rien n'a été enregistré.
import-ready = Les { $n } lignes sont prêtes.
import-line = Ligne { $line }
import-ok = prête
import-apply = Importer { $n } personne(s)
import-check = Vérifier le fichier
import-no-schedule = (aucun, inscrire plus tard)
field-import-file = Fichier (CSV ou XLSX)
field-import-file-hint = Colonnes : type, identifiant 1, identifiant 2, nom, téléphone, courriel, code postal, notes, date du consentement (AAAA-MM-JJ). Le type est 1, 2, 3+ ou son nom.
field-import-schedule = Inscrire aussi au versement programmé
flash-imported = Liste importée.
err-import_unreadable = Ce fichier ne se lit pas comme un CSV ou un XLSX.
err-import_too_large = Ce fichier est trop gros une fois décompressé (plus de { $megabytes } Mo). Divisez la liste en plusieurs fichiers.
err-import_too_many_rows = Ce fichier a trop de lignes ou de colonnes (au plus { $rows } lignes et { $columns } colonnes). Divisez la liste en plusieurs fichiers.
err-import_empty = Le fichier n'a aucune ligne de participant.
err-import_column = Il manque la colonne { $column }.
err-duplicate_id1_in_file = Cet identifiant apparaît deux fois dans le fichier.
mail-receipt-subject = Reçu de votre carte
mail-receipt-body =
    Bonjour,

    Votre carte { $program } a servi au { $market } le { $when } :
    { $lines }
    Total : { $total }

    Votre solde : { $link }
mail-expiry-subject = Des fonds de votre carte expirent bientôt
mail-expiry-body =
    Bonjour,

    { $amount } sur votre carte { $program } peuvent servir jusqu'au { $date } inclusivement ; ensuite, ils expirent.

    Votre solde : { $link }
registers-title = Caisses du marché
registers-intro = Chaque comptoir peut avoir sa caisse : les ventes et les rapports disent à quelle caisse chaque carte a servi.
registers-name-hint = Par exemple : Kiosque des fruits
registers-add = Ajouter la caisse
home-next-registers = Gérer les caisses du marché
field-group-fr = Nouveau groupe de produits (français)
field-group-en = Nom en anglais
program-add-group = Ajouter le groupe
participant-missed = Versements non reçus (sans carte à la date prévue, ou sautés faute d'utilisation)
participant-reissue = Verser maintenant
flash-load-reissued = Versement manqué fait : les fonds sont sur la carte.
archive = Archiver
unarchive = Désarchiver
program-archive = Archiver le programme (plus aucun versement)
program-unarchive = Désarchiver le programme
field-pin = NIP de la carte (4 chiffres)
field-pin-new = Nouveau NIP (4 chiffres)
field-pin-hint = La personne le choisit et le garde pour elle ; la caisse le demande à chaque achat.
field-pin-required = Les cartes ont un NIP de 4 chiffres, demandé à la caisse
field-anonymous = Programme anonyme (aucun nom, téléphone, courriel ni code postal)
participant-set-pin = Enregistrer le NIP
flash-pin-set = NIP enregistré.
participant-pin-locked = Le NIP de la carte est bloqué après 5 essais erronés. Vérifiez que la personne le connaît, puis débloquez-le.
participant-unlock-pin = Débloquer le NIP
flash-pin-unlocked = NIP débloqué.
err-pin_invalid = Le NIP a exactement 4 chiffres.
err-pin_required = Entrez le NIP de la carte.
err-pin_wrong = Ce NIP n'est pas le bon.
err-pin_not_set = Cette carte n'a pas encore de NIP : l'organisme qui l'a donnée doit en enregistrer un.
err-pin_locked = Le NIP de cette carte est bloqué après 5 essais erronés. L'organisme qui a donné la carte (ou l'opérateur du programme) doit le débloquer.
err-card_proof_required = Une vente exige le numéro de la carte ou son code QR, jamais un numéro interne.

## Self-service kiosk
kiosk-title = Borne libre-service
kiosk-step1 = Présentez le code QR de votre carte à la caméra ou à la douchette.
kiosk-card = Code QR de la carte
kiosk-card-hint = Touchez « Scanner avec la caméra », ou passez la carte devant la douchette.
kiosk-continue = Continuer
kiosk-step2 = inscrivez le montant de vos achats par groupe de produits
kiosk-done = Paiement fait
kiosk-next = Terminer
kiosk-on = Borne libre-service : active
kiosk-off = Borne libre-service : inactive
kiosk-open = Activer la borne
kiosk-renew = Renouveler le lien
kiosk-close = Désactiver la borne
kiosk-link-once = Ouvrez ce lien sur la tablette de la borne. Il n'est affiché qu'une fois, et l'ancien lien ne fonctionne plus.
flash-kiosk-closed = La borne est désactivée : son lien ne fonctionne plus.
err-kiosk-off = Cette borne n'est pas active. Demandez un nouveau lien au marché.
err-kiosk-scan = Scannez le code QR de la carte : un numéro tapé n'est pas accepté à la borne.
err-kiosk-again = Ce paiement a déjà été traité. Recommencez avec votre carte.

## Market groups
market-groups-title = Groupes de marchés
market-groups-none = Aucun groupe de marchés pour l'instant.
market-group-manager = géré par { $name }
market-group-empty = Aucun marché dans ce groupe.
market-group-no-manager = (aucun gestionnaire)
market-group-none = (aucun groupe)
market-group-add = Créer le groupe
market-group-place = Placer le marché
field-market-group = Groupe de marchés
field-market-group-manager = Marché gestionnaire du groupe
field-market = Marché
err-manager_not_market = Le gestionnaire doit être un des marchés du programme.
err-name_taken = Ce nom est déjà utilisé.

## Product groups, changed
program-group-change = Modifier « { $name } »
program-group-rename = Renommer
program-group-up = Monter
program-group-down = Descendre
program-group-delete = Supprimer le groupe
err-group_in_use = Ce groupe sert déjà (un montant dans un versement ou de l'argent sur une carte) : il ne peut pas être supprimé.
err-loyalty_reserved = Le groupe fidélité est réservé au programme.

## Participant types, changed
program-type-key = clé d'importation : { $key }
program-add-type = Ajouter le type
field-type-fr = Nom du type (français)
field-type-en = Nom du type (anglais)
field-type-key = Clé d'importation
field-type-key-hint = Les mots qu'une liste importée peut mettre dans la colonne « type », séparés par des virgules (par exemple « 1, une personne ») ; par défaut, le nom en français.
err-duplicate_match_key = Un autre type a déjà cette clé d'importation.

## Envelopes, deleted
envelope-delete = Supprimer
envelope-delete-label = Supprimer l'enveloppe de { $partner } pour { $schedule }
flash-envelope-deleted = L'enveloppe est supprimée.
err-envelope_in_use = Cette enveloppe a déjà servi (inscriptions ou versements) : elle ne peut pas être supprimée.

# Participants: edit, card, manual loads, number of loads; participant types
program-type-delete = Supprimer le type
err-type_in_use = Ce type sert déjà (des participants, un montant dans un versement ou des mouvements) : il ne peut pas être supprimé.
err-last_type = Un programme garde au moins un type de participant.
err-max_loads_above_schedule = Ce nombre dépasse les dates de versement qui restent à cette personne dans le calendrier.
err-max_loads_below_loaded = Ce participant a déjà reçu plus de versements que ce nombre.
participant-edit = Modifier le participant
participant-unassign = Reprendre la carte (vide)
flash-card-unassigned = La carte est reprise : elle peut être remise à quelqu'un d'autre.
participant-adjust = Versement manuel ou correction
field-group = Groupe de produits
field-adjust-amount = Montant
field-adjust-amount-hint = Un montant négatif retire des fonds (par exemple -5,00).
participant-adjust-submit = Inscrire le mouvement
field-max-loads-participant = Nombre de versements pour ce participant

# Reports by reconciliation period, for one market
report-by-period = Période de rapprochement
report-period-month = mois
report-period-week = semaine
report-period-day = jour
report-week-of = Semaine du { $date }
report-market = Marché
report-period-hint = Une ligne par { $period }, selon la période de rapprochement du programme. Choisissez un marché : la colonne « Dû aux marchés » est alors ce qu'on lui doit pour chaque période.

# Program settings
program-settings = Réglages du programme
field-program-name = Nom du programme
field-public-name = Nom public
field-public-name-hint = Ce que les participants voient sur les cartes et la page de solde. Vide : le nom du programme.
field-public-address = Adresse publique
field-public-address-hint = Où les participants peuvent demander de l'aide ; affichée sur la page de solde.
field-report-period = Période de rapprochement
field-report-period-hint = La période des rapports de ce qui est dû aux marchés.
field-partners-assign-cards = Les organismes partenaires remettent eux-mêmes les cartes
program-anonymous-fixed = Ce programme est anonyme : il ne garde aucune identité. Ce choix, fait à la création, ne change pas.
program-named-fixed = Ce programme peut garder les coordonnées des participants qui y consentent. Ce choix, fait à la création, ne change pas.
card-public-address = Aide : { $address }

# Transaction log and card balances
log-title = Mouvements
log-hint = Chaque mouvement d'argent du programme, un par ligne, du plus récent au plus ancien. Les téléchargements contiennent toutes les lignes filtrées.
log-none = Aucun mouvement ne correspond à ces filtres.
log-at = Date et heure
log-kind = Mouvement
log-kind-load = Versement
log-kind-spend = Achat
log-kind-refund = Remboursement
log-kind-expire = Expiration
log-kind-adjust = Versement manuel ou correction
log-kind-transfer_out = Transfert (sortie)
log-kind-transfer_in = Transfert (entrée)
log-amount = Montant
log-card = Carte
log-participant = Participant·e
log-register = Caisse
log-sale = Vente
log-where = Où
log-actor = Par
log-system = Halles (automatique)
log-older = Mouvements plus anciens
balances-title = Soldes des cartes
balances-lead = { $n } cartes contiennent des fonds, { $total } en tout.
balances-none = Aucune carte ne contient de fonds.

# Markets where a partner's participants may spend
err-card_other_market = Cette carte ne peut pas servir à ce marché : l'organisme de la personne l'envoie à d'autres marchés.
program-partner-markets = Marchés où ses participant·e·s peuvent dépenser
program-partner-markets-hint = Aucune case cochée : tous les marchés du programme.
program-partner-markets-all = tous les marchés

# Expiry after first use
expiry-kind-use = Un nombre de jours après le premier achat
expiry-after-use = Expire { $days } jours après le premier achat

# Monthly balance statements and schedule end notices
mail-statement-subject = Le solde de votre carte ce mois-ci
mail-statement-body =
    Bonjour,

    Voici ce qui reste sur votre carte { $program } en ce début de mois ({ $month }) :

    { $lines }

    Total : { $total }

    Votre solde en tout temps : { $link }
mail-schedule-end-subject = Fin des versements sur votre carte
mail-schedule-end-body =
    Bonjour,

    Les versements « { $schedule } » de { $program } ont pris fin le { $date } : il n'y en aura plus d'autres.

    Il reste { $amount } sur votre carte.

    Votre solde : { $link }

# Off-platform participants
field-off-platform = Versements gérés hors de la plateforme
field-off-platform-hint = La liste importée par chaque organisme partenaire donne, pour chaque personne, ses dates, sa fréquence et ses montants. Ce choix ne change plus après la création.
program-off-platform = Les versements de ce programme sont gérés hors de la plateforme : chaque personne reçoit ce que la liste de son organisme indique (ses dates, sa fréquence, ses montants).
import-off-platform = Ce programme gère ses versements hors de la plateforme : la liste est la liste complète de votre organisme. Chaque ligne porte aussi le début, la fin, la fréquence (first_of_month, fifteenth, first_and_fifteenth, weekly, ou « mensuel », « 1er et 15 », « hebdomadaire ») et un montant par groupe de produits. Un identifiant 1 déjà connu met la personne à jour ; les personnes actives absentes de la liste sont désactivées.
import-deactivated = { $n } personnes actives absentes de la liste seront désactivées.
import-action-created = nouvelle
import-action-updated = mise à jour
import-action-unchanged = inchangée
err-id1_required = L'identifiant 1 est obligatoire dans ce programme.
err-moment_invalid = Fréquence inconnue : first_of_month, fifteenth, first_and_fifteenth ou weekly.
err-amount_invalid = Montant invalide : au moins un groupe doit avoir un montant plus grand que zéro.
err-no_load_in_period = Aucun versement ne tombe entre ces dates à cette fréquence.

# Holder e-mails: how to stop them
mail-holder-footer = Pour ne plus recevoir ces courriels, ouvrez { $link } et appuyez sur « Ne plus recevoir de courriels ».
card-public-emails = Vous recevez des courriels pour cette carte (reçus, avis, solde du mois).
card-public-unsubscribe = Ne plus recevoir de courriels
flash-unsubscribed = C'est fait : vous ne recevrez plus de courriels pour cette carte.

# Changing one's e-mail
account-email-change = Changer de courriel
account-email-change-hint = Un lien est envoyé à la nouvelle adresse : le changement se fait quand vous l'ouvrez. Votre mot de passe ne change pas.
account-email-change-submit = Envoyer le lien
field-new-email = Nouveau courriel
flash-email-change-sent = Un lien a été envoyé à la nouvelle adresse. Ouvrez-le pour terminer le changement.
flash-email-changed = Votre courriel est changé. Connectez-vous avec la nouvelle adresse.
email-change-title = Confirmer le nouveau courriel
email-change-confirm = Votre compte utilisera désormais { $email } pour la connexion et les courriels.
email-change-submit = Confirmer
email-change-invalid = Ce lien n'est plus valide (déjà utilisé ou expiré). Demandez un nouveau changement depuis votre compte.
mail-email-change-subject = Changement de courriel — Halles
mail-email-change-body =
    Bonjour { $name },

    Pour que votre compte Halles utilise désormais { $email }, ouvrez ce lien (valide 1 heure) :

    { $link }

    Si vous n'avez rien demandé, ignorez ce message.
mail-email-change-notice =
    Bonjour { $name },

    Un changement de courriel vers { $email } a été demandé pour votre compte Halles. Si ce n'est pas vous, changez votre mot de passe et prévenez votre administrateur.

# Reach per partner organization
report-reach-by-partner = Participation par organisme partenaire
reach-enrolled = Inscrites
reach-loaded = Ont reçu des fonds
reach-used = Ont utilisé leur carte
reach-repeat = Deux jours ou plus

# Retiring a register
register-retire = Retirer la caisse
flash-register-retired = La caisse est retirée : elle ne prend plus de ventes, et son lien de borne ne fonctionne plus. Ses ventes passées restent dans les rapports.

# Taking an organization out of a program
program-member-remove = Retirer du programme
err-member_in_use = Cet organisme a encore des participant·e·s actifs ou de l'argent réservé ou versé depuis ses enveloppes : retirez d'abord ses participant·e·s.

# Platform administration: renaming and archiving organizations
admin-org-change = Modifier ou archiver
admin-org-archive = Archiver l'organisation
admin-org-archive-hint = Une organisation archivée est désactivée : plus personne ne peut l'ouvrir, ses jetons d'API cessent de fonctionner. Refusé tant qu'elle a des participant·e·s actifs ou de l'argent dans ses enveloppes.
admin-org-restore = Rétablir
admin-orgs-archived = Organisations archivées
err-org_in_use = Cette organisation a encore des participant·e·s actifs ou de l'argent dans ses enveloppes : elle ne peut pas être archivée.

# Card artwork
field-card-artwork = Illustration des cartes
field-card-artwork-hint = Votre logo ou une illustration (JPEG, PNG ou WebP), imprimé sur chaque carte des feuilles à imprimer, au-dessus du numéro.
program-artwork-upload = Envoyer l'illustration
program-artwork-remove = Retirer l'illustration
flash-artwork-saved = L'illustration est enregistrée : elle sera sur les cartes des prochaines feuilles imprimées.

## Reimbursement claims and payment batches
claims-title = Réclamations et paiements
claims-market-lead = Réclamez ce que le programme vous doit pour chaque période terminée : le montant est celui de vos ventes moins les remboursements de la période, tel que le registre le calcule.
claims-operator-lead = Approuvez ou refusez les réclamations des marchés, puis regroupez les réclamations approuvées en un lot de paiement.
claims-periods = Périodes terminées
claims-no-period = Aucune période terminée ne vous doit de montant.
claim-period-range = Du { $from } au { $until }
claim-status = Statut
claim-status-submitted = Envoyée
claim-status-approved = Approuvée
claim-status-rejected = Refusée
claim-status-paid = Payée
claim-note = Note (facultative)
claim-file = Réclamer ce montant
claims-all = Toutes
claims-list = Réclamations
claims-none = Aucune réclamation.
claim-in-batch = lot de paiement n° { $batch }
claim-reason = Raison
claim-approve = Approuver
claim-reject = Refuser
claim-period = Début de la période
claim-period-end = Dernier jour de la période
claim-amount = Montant
batch-new = Nouveau lot de paiement
batch-pick = Réclamations approuvées à payer ensemble
batch-create = Créer le lot de paiement
batches-title = Lots de paiement
batches-none = Aucun lot de paiement.
batch-title = Lot de paiement
batch-name = Lot de paiement n° { $batch }
batch-number = Lot n°
batch-claims = { $n } réclamation(s)
batch-status-open = À payer
batch-status-paid = Payé
batch-paid-on = Payé le
batch-reference = Référence
batch-reference-hint = Numéro du chèque ou du virement, repris dans l'avis envoyé aux marchés.
batch-pay = Marquer ce lot payé
batch-mark-paid = Marquer payé et aviser les marchés
flash-claim-filed = Votre réclamation est envoyée à l'opérateur du programme.
flash-payment-batch-created = Le lot de paiement est créé.
flash-batch-paid = Le lot est payé ; chaque marché a reçu un avis de paiement par courriel.
err-period_invalid = Cette date n'est pas le début d'une période du programme.
err-period_open = Cette période n'est pas terminée : réclamez-la quand elle le sera.
err-nothing_owed = Le programme ne vous doit rien pour cette période.
err-already_claimed = Cette période est déjà réclamée.
err-claim_decided = Cette réclamation a déjà été traitée.
err-no_claims = Cochez au moins une réclamation approuvée.
err-claim_not_approved = Une réclamation cochée n'est pas approuvée, ou elle est déjà dans un lot.
err-batch_paid = Ce lot est déjà payé.
mail-remittance-subject = Avis de paiement : { $program }
mail-remittance-body =
    Bonjour { $name },

    Le programme { $program } vous a payé { $total } le { $paid_on } (lot de paiement n° { $batch }, référence : { $reference }) pour :
    { $claims }

    Vos réclamations :
    { $link }

    L'équipe Halles
mail-remittance-line = - du { $from } au { $until } : { $amount }
err-status_invalid = Statut inconnu.
err-report_period_invalid = Choisissez une période : mois, semaine ou jour.

## Program managers
program-managers = Gestionnaires du programme
program-managers-hint = Une personne invitée ici gère ce programme seulement : elle n'a accès à rien d'autre de votre organisation (ni aux autres programmes, ni aux membres, ni aux jetons d'API).
program-managers-none = Aucune personne ne gère ce programme seulement.
program-manager-email = Courriel de la personne à inviter
program-manager-invite = Inviter à gérer ce programme
program-manager-invited = Invitation envoyée
program-manager-remove = Retirer du programme
err-program-only = Votre accès se limite au programme que vous gérez.
role-program-manager = gestion du programme { $program } seulement
members-program-only = Un seul programme

# Issue 13: what the hub sees and exports
qty-unit = { $qty } { $unit ->
    [kg] kg
    [lb] lb
    [bunch] { $count ->
        [one] botte
       *[other] bottes
    }
    [case] { $count ->
        [one] caisse
       *[other] caisses
    }
   *[each] { $count ->
        [one] unité
       *[other] unités
    }
}
unit-short-kg = kg
unit-short-each = unité
unit-short-bunch = botte
unit-short-case = caisse
cycle-totals-buyer = Totaux par acheteur et livraison
cycle-buyer-amounts = { $orders } commande(s) · sous-total { $subtotal } · total { $total }
cycle-no-location = Sans lieu choisi
cycle-downloads = Télécharger les listes
cycle-export-orders = Commandes
cycle-export-lines = Lignes de commande
cycle-export-products = Totaux par produit
cycle-export-producers = Totaux par producteur
cycle-export-buyers = Totaux par acheteur
cycle-col-order = Commande
cycle-col-buyer = Acheteur
cycle-col-status = État
cycle-col-location = Cueillette ou livraison
cycle-col-po = Bon de commande
cycle-col-note = Note
cycle-col-subtotal = Sous-total
cycle-col-fees = Frais
cycle-col-gst = TPS
cycle-col-qst = TVQ
cycle-col-taxes = Taxes
cycle-col-total = Total
cycle-col-placed = Passée le
cycle-col-product = Produit
cycle-col-producer = Producteur
cycle-col-quantity = Quantité
cycle-col-unit = Unité
cycle-col-unit_price = Prix unitaire
cycle-col-line_total = Total de la ligne
cycle-col-tax_class = Taxes applicables
cycle-col-producer_amount = Montant au producteur
cycle-col-buyer_amount = Montant aux acheteurs
cycle-col-orders = Commandes
# Issue 13: one order per buyer per cycle and delivery
flash-order-added = Ajouté à votre commande n° { $n }.
catalog-already-ordered = Déjà commandé dans ce cycle : { $qty }
# Issue 13: ordering for institutions (filters that keep quantities, running total, quick order form, delivery details)
catalog-show-all = Tout afficher
catalog-kept = Quantités tapées masquées par le filtre : { $count } (elles restent dans la commande).
cart-title = Votre commande
cart-lines = Produits : { $amount }
cart-open = Déjà dans votre commande de ce cycle : { $amount }
cart-fees = Frais : { $amount }
cart-total = Total avant taxes : { $amount }
cart-below-minimum = Encore { $missing } pour atteindre le minimum de { $min }.
cart-minimum-reached = Minimum de { $min } atteint.
quick-title = Commande rapide
quick-intro = Vos produits habituels d'abord, avec la quantité de votre dernière commande. Seules les quantités que vous tapez sont commandées.
quick-catalog = Voir le catalogue complet et ses filtres
quick-usual = Vos produits habituels
quick-no-usual = Aucune commande dans vos derniers cycles : tous les produits sont plus bas.
quick-others = Autres produits
quick-last = La dernière fois : { $qty }
order-delivery = Livraison
order-delivery-note = Livraison ou cueillette : { $note }
order-location-fee = frais { $fee }
order-no-note = Aucune
mail-order-detail = { $label } : { $value }

# Issue 13: editing cycles, reopening after the cut-off, delivery days
field-delivery-days = Jours de livraison ou de cueillette
hint-delivery-days = Au moins un jour, le dernier au plus tôt le jour de l'heure limite. Laissez une case vide pour ne rien ajouter.
field-delivery-day-n = Jour { $n }
field-delivery-day = Jour de livraison ou de cueillette
hint-location-remove = Pour retirer un point ou une zone, effacez son nom (impossible si une commande l'utilise).
cycle-delivery-days = Livraison ou cueillette :
cycle-edit-title = Modifier le cycle « { $name } »
cycle-edit-intro = Les commandes déjà passées gardent leurs frais; un point, une zone ou un jour utilisé par une commande ne peut pas être retiré.
cycle-back = Retour au cycle « { $name } »
cycle-open-title = Rouvrir le cycle « { $name } »
cycle-open-intro = L'heure limite ({ $closes }) est passée. Donnez une nouvelle heure limite pour rouvrir les commandes.
field-new-closes-at = Nouvelle heure limite des commandes
order-delivery-day = Livraison ou cueillette le { $day }
flash-cycle-changed = Cycle modifié.
cycle-col-delivery_day = Jour de livraison
err-cut_off_passed = L'heure limite est passée : donnez une nouvelle heure limite, dans le futur, pour rouvrir les commandes.
err-cycle_completed = Un cycle terminé ne peut plus être modifié.
err-delivery_day_before_cut_off = Le dernier jour de livraison ne peut pas précéder le jour de l'heure limite.
err-delivery_day_in_use = Des commandes sont livrées ce jour-là : il ne peut pas être retiré.
err-delivery_day_required = Choisissez le jour de livraison.
err-delivery_day_too_far = Un jour de livraison ne peut pas être plus d'un an après l'heure limite.
err-delivery_days_required = Donnez au moins un jour de livraison.
err-delivery_days_too_many = Un cycle compte au plus 14 jours de livraison.
err-location_in_use = Des commandes utilisent ce point de cueillette ou cette zone : il ne peut pas être retiré (renommez-le plutôt).
err-unknown_delivery_day = Ce cycle ne livre pas ce jour-là.
weekday-1 = lundi
weekday-2 = mardi
weekday-3 = mercredi
weekday-4 = jeudi
weekday-5 = vendredi
weekday-6 = samedi
weekday-7 = dimanche
# Issue 13: producers told when a grid waits for them; on-demand offers
availability-on-demand = Sur demande (sans limite de quantité)
catalog-on-demand = Sur demande
home-grids-waiting-title = Des grilles vous attendent
home-grid-waiting = La grille de disponibilités du cycle { $cycle } vous attend (jusqu'au { $date })
reminder-title = Rappel aux producteurs
reminder-intro = Les producteurs d'un cycle ouvert qui n'ont encore rien indiqué reçoivent un rappel par courriel avant l'heure limite, une seule fois par cycle.
partners-reminder-link = Rappel aux producteurs avant l'heure limite
field-reminder-hours = Heures avant l'heure limite
field-reminder-hours-hint = Entre 1 et 168 heures (une semaine). Par défaut : 24.
flash-reminder-saved = Rappel enregistré.
err-reminder_hours_out_of_range = Entrez un nombre d'heures entier entre 1 et 168.
err-on_demand_quantity = Un produit offert sur demande n'a pas de quantité : laissez-la vide.
mail-grid-open-subject = { $hub } : la grille du cycle { $cycle } vous attend
mail-grid-open-body =
    Bonjour { $name },

    Le cycle de commande { $cycle } de { $hub } est ouvert. Indiquez ce que vous pouvez livrer cette semaine, et à quel prix, d'ici le { $closes } :
    { $link }

    Rien à offrir cette semaine ? Le bouton « Rien cette semaine » le dit en un clic.

    L'équipe Halles
mail-grid-reminder-subject = Rappel — { $hub } : la grille du cycle { $cycle } vous attend
mail-grid-reminder-body =
    Bonjour { $name },

    Vous n'avez encore rien indiqué pour le cycle de commande { $cycle } de { $hub }. Les commandes ferment le { $closes }.
    { $link }

    Rien à offrir cette semaine ? Le bouton « Rien cette semaine » le dit en un clic.

    L'équipe Halles
# Issue 13: order-line snapshots, every short line named
err-shortage-left = Il reste { $left } : réduisez la quantité.
err-shortage-none = Il n'en reste plus : retirez ce produit.
# Issue 13: the hub API (partners) and standing orders paused, started later, stopped
err-producer_in_open_cycle = Ce producteur participe à un cycle qui n'est pas encore fermé : attendez sa fermeture pour cesser de travailler avec lui.
standing-field-starts-on = À partir du
standing-starts-hint = Premier cycle dont la date limite tombe ce jour-là ou après. Laissez vide pour commencer tout de suite.
standing-from = à partir du { $date }
standing-paused = en pause
standing-pause = Mettre en pause
standing-resume = Reprendre
flash-standing-paused = Commande récurrente en pause : aucun cycle ne la passera avant sa reprise.
flash-standing-resumed = Commande récurrente reprise : elle sera passée au prochain cycle qui ouvre.
flash-standing-stopped-taken-back = Commande récurrente arrêtée, et ses lignes de cette semaine retirées de votre commande.
standing-stop-title = Arrêter la commande récurrente
standing-stop-intro = Cette semaine, la commande récurrente chez { $hub } a déjà mis ces produits dans votre commande, qui peut encore être modifiée :
standing-stop-question = Voulez-vous aussi retirer ces quantités de la commande ? Les produits que vous avez ajoutés vous-même restent.
standing-stop-take-back = Arrêter et retirer ces lignes
standing-stop-keep = Arrêter, garder la commande de cette semaine
standing-stop-cancel = Ne rien arrêter

## Product data and visibility (allergens, storage, codes, cases, pounds, tags)
unit-lb = à la livre
unit-short-lb = lb
weight-unit-kg = Kilogrammes d'abord
weight-unit-lb = Livres d'abord
field-weight-unit = Prix au poids
allergen-eggs = Œufs
allergen-milk = Lait
allergen-mustard = Moutarde
allergen-peanuts = Arachides
allergen-crustaceans_molluscs = Crustacés et mollusques
allergen-fish = Poisson
allergen-sesame = Graines de sésame
allergen-soy = Soja
allergen-sulphites = Sulfites
allergen-tree_nuts = Noix
allergen-wheat_triticale = Blé et triticale
storage-frozen = Congelé
storage-refrigerated = Réfrigéré
storage-ambient = Température ambiante
storage-unsaid = Non précisé
field-allergens = Allergènes prioritaires
hint-allergens = Cochez chaque allergène que le produit contient (liste de Santé Canada).
field-storage = Conservation
field-sku = Code du produit (UGS)
field-gtin = GTIN (code-barres)
hint-gtin = 8, 12, 13 ou 14 chiffres, facultatif.
field-case-size = Unités par caisse
hint-case-size = Facultatif, de 1 à 10 000.
err-gtin_check = Le dernier chiffre de ce GTIN ne correspond pas : vérifiez le code-barres.
err-gtin_invalid = Un GTIN a 8, 12, 13 ou 14 chiffres.
err-case_size_invalid = Entrez un nombre entier d'unités, de 1 à 10 000.
err-sku_too_long = Le code du produit a au plus 40 caractères.
err-tags_invalid = Entrez au plus 10 étiquettes de 30 caractères au plus (lettres, chiffres, - ou _), séparées par des espaces ou des virgules.
price-by-weight = { $first } ({ $second })
product-case-size = caisse de { $n }
product-sku = UGS { $sku }
product-gtin = GTIN { $gtin }
product-contains = Contient :
partners-tags-intro = Les étiquettes servent aux règles de visibilité : un produit ou un cycle réservé à une étiquette n'est montré qu'aux acheteurs qui la portent.
partners-tags-of = Étiquettes de { $buyer }
hint-tags = Par exemple : hôpital cpe. Séparez-les par des espaces ou des virgules.
partners-save-buyer = Enregistrer pour { $buyer }
flash-buyer-settings-saved = Réglages de l'acheteur enregistrés.
flash-visibility-saved = Règle de visibilité enregistrée.
nav-visibility = Visibilité
visibility-title = Qui voit quoi
visibility-intro = Sans étiquette, un produit ou un cycle est montré à tous les acheteurs. Avec des étiquettes, seuls les acheteurs qui portent l'une d'elles le voient et peuvent le commander.
visibility-no-tags = Aucun acheteur n'a encore d'étiquette : ajoutez-en sur la page des partenaires.
visibility-known-tags = Étiquettes de vos acheteurs : { $tags }
visibility-cycles = Cycles
visibility-products = Produits
visibility-cycle-tags = Cycle { $name } : réservé aux étiquettes
visibility-product-tags = { $name } : réservé aux étiquettes

## Fulfilment: the week after the cut-off
cancel = Annuler
doc-page-of = Page {"{"}n{"}"} de {"{"}total{"}"}
doc-pdf = Version PDF
col-allocated = Réservé
col-best-before = Meilleur avant
col-buyer = Acheteur
col-case = Caisse
col-cases = Caisses
col-delivered = Livré
col-delivery-day = Jour de livraison
col-delivery-details = Adresse, contact, consignes
col-lot = Lot
col-lots = Lots
col-movement = Mouvement
col-on-hand = En main
col-order = Commande
col-packed-on = Cueilli ou emballé le
col-producer = Producteur
col-producer-amount = Montant producteur
col-product = Produit
col-quantity = Quantité
col-reason = Raison
col-received-by = Reçu par
col-stop = Arrêt
col-total = Total
col-unit-detail = Format
col-weights = Poids
col-when = Quand
ful-title = Préparation — { $cycle }
ful-back-to-cycle = Retour au cycle
ful-back = Retour à la préparation
ful-step-open = Préparer la livraison
ful-steps = Étapes
ful-step-po = Bons de commande
ful-step-receive = Réception
ful-step-shortages = Manques
ful-step-pack = Emballage
ful-step-deliver = Livraison
ful-po-lines = { $n } produits · { $total }
ful-po-revision = Envoyé (version { $n })
ful-po-not-issued = Pas encore envoyé
ful-po-changed = Modifié depuis l’envoi
ful-po-open = Voir le bon
ful-po-issue = Envoyer les bons de commande nouveaux ou modifiés
ful-receive-intro = Quand un producteur livre, inscrivez ce qui est arrivé, ligne par ligne, avec le numéro de lot et les dates.
ful-receive-open = Recevoir
ful-lots-count = { $n } lots reçus pour ce cycle
ful-stock-open = Voir le stock
ful-no-shortage = Aucun manque : tout ce qui a été reçu couvre les commandes.
ful-short-line = { $product } : commandé { $ordered }, reçu { $got }
ful-short-choice = Que faire de cette ligne ?
ful-short-reduce = Réduire à ce qui a été reçu
ful-short-substitute = Remplacer par un autre produit
ful-short-cancel = Retirer de la commande
ful-short-substitute-product = Produit de remplacement
ful-short-substitute-qty = Quantité de remplacement
ful-short-settle = Appliquer
ful-scan-label = Numéro ou code-barres de la caisse
ful-scan-find = Trouver
ful-packed-count = { $packed } sur { $n } commandes emballées
ful-doc-pick = Liste de cueillette (PDF)
ful-doc-pack = Listes d’emballage (PDF)
ful-doc-labels-letter = Étiquettes, feuille lettre 2 × 5 (PDF)
ful-doc-labels-thermal = Étiquettes 4 × 6 po (PDF)
ful-doc-labels-zpl = Étiquettes pour imprimante Zebra (ZPL)
ful-cases = { $n ->
    [one] 1 caisse
   *[other] { $n } caisses
}
ful-to-pack = À emballer
ful-pack-open = Emballer
ful-no-routes = Aucune tournée n’est encore créée.
ful-routes-open = Gérer les tournées
ful-plan = Placer les commandes sur les tournées
ful-manifest-open = Manifeste du chauffeur
po-prefix = BC
po-page-title = Bon de commande — { $producer }
po-doc-title = Bon de commande { $number }
po-doc-producer = Producteur : { $producer }
po-doc-hub = Pôle : { $hub }
po-doc-cycle = { $cycle } — livraison { $day }
po-doc-revision = Version { $revision }, envoyée le { $at }
po-doc-not-issued = Pas encore envoyé
po-doc-lines = À récolter et apporter
po-issued = Version { $n }, envoyée le { $at }
po-changed-since = Les commandes ont changé depuis le dernier envoi : envoyez une nouvelle version depuis la page de préparation.
po-revisions = Versions envoyées
pick-doc-title = Liste de cueillette
pick-doc-producer = Apporté par { $producer }
pick-doc-product = { $product } — { $total } en tout
pack-doc-title = { $buyer } — commande no { $number }
pack-doc-note = Note : { $note }
pack-doc-lines = À emballer
manifest-doc-title = Tournée { $route }
manifest-doc-stops = Arrêts
receive-title = Réception — { $producer }
receive-intro = La quantité commandée est déjà inscrite : corrigez-la si le producteur en a apporté moins ou plus. Laissez le lot vide pour qu’un numéro soit créé.
receive-ordered = commandé : { $qty }
receive-quantity = Quantité reçue
receive-lot = Numéro de lot du producteur
receive-packed-on = Cueilli ou emballé le
receive-best-before = Meilleur avant
receive-save = Enregistrer la réception
pack-title = Emballage — { $buyer }, commande no { $number }
pack-lines = Produits
pack-ordered = commandé au départ : { $qty }
pack-weigh = Poids de chaque unité (estimation : { $est })
pack-by-producer = Pesé par le producteur
pack-unit = Unité { $n }
pack-confirm = Je confirme ces poids même s’ils s’écartent de l’estimation
pack-save-weights = Enregistrer les poids
pack-weighed = { $g } g au total — { $price }
pack-cases = Caisses
pack-cases-hint = Indiquez dans quelle caisse va chaque produit (1, 2, 3…). Une étiquette est imprimée par caisse.
pack-case-of-line = Caisse pour { $product }
pack-pack = Emballer la commande
pack-repack = Emballer de nouveau
label-lot = Lot
label-route-stop = Tournée { $route } · arrêt { $stop }
label-case-of = Caisse { $n } de { $of }
manifest-empty = Aucun arrêt pour cette journée : placez les commandes sur les tournées depuis la page de préparation.
manifest-recipient = Reçu par
manifest-note = Note (facultatif)
manifest-delivered = Livré
manifest-undelivered = Non livré
manifest-move-to = Déplacer à l’arrêt no
manifest-move = Déplacer
manifest-received-by = Reçu par { $name }
stop-status-pending = À livrer
stop-status-delivered = Livré
stop-status-undelivered = Non livré
routes-title = Tournées de livraison
routes-intro = Chaque acheteur a sa place habituelle sur une tournée ; l’ordre est repris chaque semaine et peut être changé pour une journée sur le manifeste.
routes-new = Nom d’une nouvelle tournée
routes-create = Créer la tournée
routes-order-hint = Numérotez les acheteurs dans l’ordre des arrêts ; laissez vide ceux qui ne sont pas sur cette tournée.
routes-details = Adresses de livraison
routes-on-route = arrêt { $n }
routes-address = Adresse
routes-contact = Personne à joindre et téléphone
routes-instructions = Consignes de livraison
routes-gs1 = Codes GS1
routes-gs1-label = Préfixe d’entreprise GS1 (facultatif)
routes-gs1-hint = Avec un préfixe GS1, chaque caisse porte un SSCC lisible par les systèmes des grands acheteurs.
stock-title = Stock
stock-find-lot = Numéro de lot
stock-find = Trouver le lot
stock-empty = Aucun lot en stock.
stock-held = Lots en stock
stock-soon = Bientôt
lot-title = Lot { $code }
lot-received = reçu le { $at } : { $qty }
lot-held = En main : { $on_hand } · réservé aux commandes : { $allocated }
lot-recall = Rappel : qui l’a reçu
lot-recall-csv = Télécharger le rapport de rappel (CSV)
lot-no-recipient = Aucune commande n’a reçu ce lot.
lot-recipients = Commandes qui ont reçu ce lot
lot-movement = Inscrire une perte, un don ou un décompte
lot-movement-kind = Type
lot-movement-quantity = Quantité
lot-movement-quantity-hint = Pour un décompte, une quantité négative retire du stock.
lot-movement-reason = Raison
lot-ledger = Mouvements
movement-received = Reçu
movement-allocated = Réservé
movement-released = Libéré
movement-packed = Emballé
movement-delivered = Livré
movement-returned = Revenu au stock
movement-lost = Perte
movement-donated = Don
movement-adjusted = Décompte
ppo-title = Mes bons de commande
ppo-empty = Aucun bon de commande pour l’instant : ils arrivent après l’heure limite de chaque cycle.
ppo-cycle-title = { $cycle } — { $hub }
ppo-weigh = Pesées
ppo-weigh-intro = Pour les produits vendus au poids, inscrivez le poids de chaque unité en grammes avant la livraison : le prix suit le poids réel.
ppo-est = environ { $g } g chacun
flash-po-issued = { $n ->
    [one] 1 bon de commande envoyé.
   *[other] { $n } bons de commande envoyés.
}
flash-po-none = Aucun bon de commande n’a changé depuis le dernier envoi.
flash-received = Réception enregistrée : { $n } lots.
flash-shortage-settled = Ligne ajustée ; l’acheteur en est avisé.
flash-weighed = Poids enregistrés.
flash-packed = Commande emballée en { $n } caisses.
flash-stops-planned = { $n } commandes placées sur les tournées.
flash-stop-placed = Arrêt déplacé.
flash-stop-marked = Arrêt enregistré.
flash-stop-photo = Photo enregistrée.
flash-movement-saved = Mouvement enregistré.
err-case_unknown = Aucune caisse ne porte ce code.
err-no_cases = Aucune commande n’est encore emballée pour cette journée.
mail-po-subject = Bon de commande de { $hub } — { $cycle } (version { $revision })
mail-po-body =
    Bonjour { $name },

    Voici ce que { $hub } vous demande d'apporter pour la livraison du { $day } :
    { $lines }

    Le bon de commande (page et PDF), et la pesée des produits vendus au poids :
    { $link }
mail-po-nothing = - Plus rien : les commandes de ce bon ont été retirées.
mail-line-ordered = commandé : { $qty }
mail-line-substitute = en remplacement
mail-order-adjusted-subject = Commande n° { $number } ajustée ({ $hub })
mail-order-adjusted-body =
    Bonjour { $name },

    { $hub } n'a pas pu remplir votre commande n° { $number } tout à fait comme commandée. La voici telle qu'elle sera livrée :
    { $lines }

    Nouveau total avec frais et taxes : { $total }

    { $link }
mail-order-delivered-subject = Commande n° { $number } livrée ({ $hub })
mail-order-delivered-body =
    Bonjour { $name },

    Votre commande n° { $number } de { $hub } a été livrée le { $at }, reçue par { $recipient }.
    { $lines }

    Total avec frais et taxes : { $total }

    { $link }

# Fulfilment, part 3: product labels, receiving beyond the purchase order, delivery photos
plabel-lot = Lot :
plabel-packed-on = Emballé le :
plabel-best-before = Meilleur avant :
plabel-price-per-kg = Prix/kg :
plabel-weight = Poids :
plabel-price = Prix :
ful-doc-products-letter = Étiquettes de produits, feuille lettre 2 × 5 (PDF)
ful-doc-products-thermal = Étiquettes de produits 4 × 6 po (PDF)
ful-doc-products-zpl = Étiquettes de produits pour imprimante Zebra (ZPL)
ppo-labels-intro = Une étiquette par lot reçu par le pôle et une par unité pesée, avec le code GS1 si le produit a un GTIN, sinon le code du lot.
receive-extra-title = Produits apportés en plus
receive-extra-intro = Le producteur a apporté un produit qui n’est pas sur le bon de commande (en surplus ou en remplacement) ? Inscrivez-le ici : il entre en stock comme un lot, libre pour les remplacements.
receive-extra = Produit en plus
receive-extra-product = Produit
receive-extra-none = — Aucun —
manifest-photo = Photo (facultatif)
manifest-photo-hint = Une photo de la livraison ou du bon signé. JPEG, PNG ou WebP, 8 Mo au plus.
manifest-photo-alt = Photo de la livraison chez { $buyer }
manifest-photo-add = Ajouter une photo
manifest-photo-replace = Remplacer la photo
manifest-photo-send = Envoyer la photo
order-delivery-title = Livraison
order-delivery-photo = Photo prise à la livraison
err-no_product_labels = Aucune étiquette de produit pour cette journée : rien n’a encore été reçu ni pesé.
err-photo_too_large = Une photo fait au plus 8 Mo.
err-too_many_labels = Au plus 10 000 étiquettes à la fois : imprimez une journée de livraison ou un producteur à la fois.
## Billing (issue 15, first part): settings and invoices
err-billing_not_set_up = Enregistrez les paramètres de facturation du pôle avant d’émettre des factures.
err-gst_number_invalid = Un numéro de TPS compte 9 chiffres, RT et 4 chiffres (123456789RT0001).
err-invoice_exists = Cette commande a déjà sa facture.
err-invoice_prefix_invalid = Un préfixe de facture compte au plus 10 lettres, chiffres ou tirets.
err-order_not_delivered = Seule une commande livrée est facturée.
err-qst_number_invalid = Un numéro de TVQ compte 10 chiffres, TQ et 4 chiffres (1234567890TQ0001).
err-tax_numbers_required = Un pôle inscrit aux taxes donne ses numéros de TPS et de TVQ.
col-weight = Poids réel
col-unit-price = Prix unitaire
col-amount = Montant
col-tax-code = Taxes
terms-on_receipt = Payable sur réception
terms-net_15 = Net 15 jours
terms-net_30 = Net 30 jours

fee-taxation-follows_goods = Les frais de livraison suivent les marchandises livrées (au prorata de leur valeur)
fee-taxation-taxable = Les frais de livraison sont toujours taxables
invoice-doc-title = Facture { $number }
invoice-gst-number = No de TPS : { $number }
invoice-qst-number = No de TVQ : { $number }
invoice-not-registered = Vendeur non inscrit aux fichiers de la TPS et de la TVQ : aucune taxe n’est facturée.
invoice-dates = Dates
invoice-date-line = Date de la facture : { $date }
invoice-delivery-line = Livraison : { $date }
invoice-due-line = Échéance : { $date }
invoice-po-line = Votre bon de commande : { $po }
invoice-billed-to = Facturé à
invoice-delivered-to = Livré à : { $address }
invoice-lines = Produits livrés
invoice-goods = Marchandises : { $amount }
invoice-discount = Rabais : − { $amount }
invoice-delivery = Frais de livraison : { $amount }
invoice-subtotal = Sous-total : { $amount }
invoice-gst = TPS 5 % sur { $base } : { $amount }
invoice-qst = TVQ 9,975 % sur { $base } : { $amount }
invoice-total = Total : { $amount }
invoice-totals = Totaux
invoice-payment = Paiement
invoice-tax-codes = Taxes : la 1re lettre pour la TPS, la 2e pour la TVQ. T taxable, Z détaxé, E exonéré.
invoice-substitute-for = remplace { $product }
invoice-short = manque { $qty }
mail-invoice-subject = Facture { $number } ({ $hub })
mail-invoice-body =
    Bonjour { $name },

    { $hub } vous a émis la facture { $number } : { $total }, à payer au plus tard le { $due }.

    Téléchargez-la : { $link }
nav-invoices = Factures
billing-title = Facturation
billing-intro = Qui vend sur vos factures, vos numéros de taxes, la numérotation, la taxation des frais de livraison et vos conditions de paiement.
billing-not-saved = Ces paramètres ne sont pas encore enregistrés : aucune facture n’est émise avant.
field-legal-name = Raison sociale
field-billing-address = Adresse
field-registered = Inscrit aux fichiers de la TPS et de la TVQ
field-registered-hint = Non inscrit : vos factures ne portent aucune taxe et le disent.
field-gst-number = Numéro de TPS
field-gst-number-hint = 9 chiffres, RT et 4 chiffres, par exemple 123456789RT0001.
field-qst-number = Numéro de TVQ
field-qst-number-hint = 10 chiffres, TQ et 4 chiffres, par exemple 1234567890TQ0001.
field-invoice-prefix = Préfixe des numéros de facture
field-invoice-prefix-hint = Au plus 10 lettres, chiffres ou tirets, par exemple FAC-.
field-yearly-reset = Recommencer la numérotation à 1 chaque année
field-fee-taxation = Taxation des frais de livraison
field-payment-terms = Conditions de paiement
field-how-to-pay = Comment payer
field-auto-issue = Facturer chaque commande dès que sa livraison est confirmée
flash-billing-saved = Paramètres de facturation enregistrés.
flash-invoice-issued = Facture émise.
invoices-title = Factures
invoices-none = Aucune facture pour l’instant.
invoices-download = Télécharger { $number }
col-invoice = Facture
col-seller = Vendeur
col-invoice-date = Date
col-due-date = Échéance
order-invoice = Voir la facture (PDF)
order-issue-invoice = Émettre la facture

## Coupons: money that escapes its budget (issue 16)
err-card_managed_by_operator = Dans ce programme, c'est l'opérateur qui gère les cartes : adressez-vous à lui.
err-duplicate_amount = Le même type de participant et le même groupe de produits sont donnés deux fois.
err-envelope_other_partner = Cette enveloppe appartient à un autre organisme que celui de la personne qui a la carte.
err-fund_source_required = Choisissez d'où vient l'argent : une enveloppe de l'organisme de la personne ou la réserve du programme.
err-load_outside_enrolment = Cette date est hors de l'inscription de la personne : avant son début ou après la fin du versement programmé.
err-loyalty_group_reserved = Le groupe « fidélité » est réservé : on ne peut pas le renommer, et aucun autre groupe ne peut prendre son nom.
err-reserve_too_low = La réserve du programme ne suffit pas : l'opérateur doit d'abord l'alimenter.
err-type_without_amount = Ce versement programmé ne donne rien à ce type de participant : ajoutez un montant pour ce type au versement, ou changez le type de la personne.
reserve-name = Réserve du programme
reserve-owner = argent de l'opérateur, d'aucun organisme partenaire
reserve-line = Versé sur des cartes : { $loaded } · Libre : { $free }
reserve-set = Alimenter la réserve du programme
reserve-hint = Les chargements manuels et les cartes-cadeaux peuvent puiser dans la réserve plutôt que dans l'enveloppe d'un organisme. Indiquez le budget total de la réserve : il ne peut pas descendre sous ce qui en a déjà été versé.
field-reserve-budget = Budget de la réserve
reserve-save = Enregistrer la réserve
flash-reserve-saved = La réserve du programme est enregistrée.
fund-source-reserve = Réserve du programme (libre : { $free })
fund-source-envelope = Enveloppe de { $partner } — { $schedule } (libre : { $free })
fund-source-choose = Choisissez…
field-fund-source = L'argent vient de
field-fund-source-hint = Un chargement puise dans une enveloppe de l'organisme de la personne ou dans la réserve du programme. Une correction (montant négatif) retourne d'elle-même l'argent d'où il venait.
participant-card-disabled = Cette carte est désactivée : elle est refusée aux caisses jusqu'à ce qu'elle soit réactivée. Elle reste celle de la personne.
err-register-sale-again = Ce paiement a déjà été traité ou la page est trop ancienne. Reprenez la carte pour recommencer.
## Billing: credit notes and receivables
err-allocation_exceeds_balance = Ce montant dépasse ce qui reste à payer sur la facture.
err-allocation_exceeds_payment = Les montants répartis dépassent ce qui reste du paiement.
err-credit_exceeds_invoice = Cet avoir créditerait plus que la facture.
err-credit_exceeds_line = On ne peut pas créditer une ligne au-delà de ce qui en reste.
err-credit_note_empty = Un avoir crédite au moins une ligne.
err-invoice_partly_credited = Cette facture a déjà un avoir : créditez ce qui reste ligne par ligne.
err-unknown_invoice_line = Cette ligne n’est pas sur la facture.
mail-credit-note-subject = Avoir { $number } ({ $hub })
mail-credit-note-body =
    Bonjour { $name },

    { $hub } vous a émis l’avoir { $number } sur la facture { $invoice } : { $total } en votre faveur.
    Raison : { $reason }

    Téléchargez-le : { $link }
mail-invoice-reminder-subject = Rappel : facture { $number } en retard ({ $hub })
mail-invoice-reminder-body =
    Bonjour { $name },

    Il reste { $balance } à payer sur la facture { $number } de { $hub }, échue le { $due }.

    Voir la facture : { $link }
credit-note-doc-title = Avoir { $number }
credit-note-date-line = Date de l’avoir : { $date }
credit-note-invoice-line = Corrige la facture { $number } du { $date }
credit-note-reason-line = Raison : { $reason }
credit-note-lines = Lignes créditées
credit-note-total = Total crédité : { $amount }
statement-doc-title = Relevé de compte du { $from } au { $to }
statement-opening = Solde d’ouverture
statement-entries = Opérations
statement-opening-line = Solde d’ouverture : { $amount }
statement-invoiced-line = Facturé : { $amount }
statement-credited-line = Crédité (avoirs) : { $amount }
statement-paid-line = Payé : { $amount }
statement-closing-line = Solde de clôture : { $amount }
statement-credit-line = Crédit à votre compte : { $amount }
statement-invoice = Facture { $number }
statement-credit-note = Avoir { $number }
statement-payment = Paiement ({ $method })
statement-payment-ref = Paiement ({ $method }, { $reference })
aging-title = Comptes clients
aging-current = Courant
aging-days_1_30 = 1 à 30 jours
aging-days_31_60 = 31 à 60 jours
aging-days_61_90 = 61 à 90 jours
aging-over_90 = Plus de 90 jours
aging-intro = Ce que chaque acheteur doit le { $date }, selon le retard depuis l’échéance.
aging-csv = Télécharger en CSV
aging-none = Aucun acheteur ne doit rien.
payment-method-cheque = Chèque
payment-method-interac = Virement Interac
payment-method-cash = Comptant
payment-method-card = Carte (terminal)
payment-method-other = Autre
flash-credit-note-issued = Avoir émis.
flash-payment-recorded = Paiement enregistré.
flash-reminders-saved = Rappels enregistrés.
invoice-page-title = Facture { $number }
invoice-status-unpaid = impayée
invoice-status-partly_paid = payée en partie
invoice-status-paid = payée
invoice-status-overdue = en retard
col-credited = Crédité
col-paid = Payé
col-balance = Solde
col-credit = Crédit
col-credit-note = Avoir
col-applied-on = Appliqué le
col-allocate = À appliquer
col-unallocated = Non réparti
col-entry-date = Date
col-document = Opération
credit-notes-title = Avoirs
credit-notes-none = Aucun avoir.
credit-notes-download = Avoir { $number } (PDF)
credit-note-issue = Émettre un avoir
credit-note-intro = Une facture émise ne change jamais : on la corrige par un avoir. Créditez toute la facture, ou des lignes (une quantité ou un montant avant taxes, au plus ce qui reste de la ligne).
credit-note-mode = Que créditer ?
credit-note-mode-lines = Les lignes indiquées
credit-note-mode-full = Toute la facture
credit-note-qty = Quantité créditée
credit-note-amount = Montant crédité
field-credit-reason = Raison (obligatoire)
payments-title = Paiements
payments-none = Aucun paiement.
payments-list = Paiements reçus
payment-record = Enregistrer un paiement
payment-choose-buyer = Choisir
payment-no-open-invoice = Cet acheteur n’a aucune facture à payer : le paiement sera un crédit à son compte.
payment-allocations = Répartition sur les factures
payment-credit-hint = Ce qui n’est pas réparti reste un crédit de l’acheteur, à appliquer plus tard.
field-payment-method = Mode de paiement
field-received-on = Reçu le
field-payment-amount = Montant
field-payment-amount-hint = De 0,01 $ à 1 000 000,00 $.
field-payment-reference = Référence (no de chèque, confirmation Interac)
statement-title = Relevés de compte
field-month = Mois
statement-show = Afficher
statement-pdf = Télécharger le relevé (PDF)
statement-invoiced = Facturé
statement-credited = Crédité
statement-paid = Payé
statement-closing = Solde de clôture
statement-choose = Choisissez un acheteur et un mois.
reminders-on = Cet acheteur reçoit un rappel par semaine de retard de ses factures.
reminders-off = Les rappels de factures en retard sont désactivés pour cet acheteur.
reminders-switch-off = Désactiver les rappels
reminders-switch-on = Activer les rappels
## Billing: producers' statements and payouts
err-payout_date_invalid = La date du versement est aujourd’hui ou avant, entre 2000 et 2100.
err-statement_already_paid = Ce relevé est déjà payé.
err-statement_empty = Il ne reste rien de ce producteur sur cette période à mettre sur un relevé.
statements-title = Relevés et versements aux producteurs
statements-intro = Choisissez une période : chaque producteur y voit ce qui a été livré et facturé à son prix, votre marge et ses pertes. Émettez son relevé, puis notez le versement.
statements-intro-producer = Vos relevés : ce que chaque pôle a vendu de vos produits, à votre prix, et ce qu’il vous a versé.
statements-issued = Relevés émis
statements-none = Aucun relevé pour l’instant.
statements-download = Télécharger { $number }
field-statement-period = Cycle
field-statement-month = Ou un mois
field-statement-month-hint = Par exemple 2026-12.
statement-choose-period = Choisir un cycle
statement-show-period = Voir ce cycle
statement-show-month = Voir ce mois
statement-period-cycle = Cycle { $cycle }
statement-period-month = Mois { $month }
statement-balance = Bilan de la période
statement-balance-invoiced = Facturé aux acheteurs
statement-balance-producers = Dû aux producteurs
statement-balance-margin = Marge du pôle
statement-balance-fees = Frais de livraison et consignes
statement-balance-taxes = TPS et TVQ
statement-balance-lines = Lignes de facture sur un relevé : { $on } ; pas encore : { $left }.
statement-drafts = À mettre sur un relevé
statement-drafts-none = Rien à mettre sur un relevé pour cette période.
statement-issue = Émettre le relevé de { $producer }
field-losses-charged-to = Pertes à la charge de
charged-to-producer = du producteur
charged-to-hub = du pôle
field-paid-on = Date du versement
field-payout-reference = Référence (chèque, virement)
statement-mark-paid = Noter le versement
statement-not-paid = Pas encore versé
pstatement-paid-line = Versé le { $date } (réf. { $reference })
flash-statement-issued = Relevé émis.
flash-payout-recorded = Versement noté.
col-statement = Relevé
col-hub = Pôle
col-period = Période
col-owed = Dû
col-payout = Versement
col-lines = Lignes
col-buyer-amount = Payé par l’acheteur
col-margin = Marge du pôle
col-producer-price = Prix producteur
col-charged-to = À la charge
col-value = Valeur
col-action = Action
pstatement-doc-title = Relevé { $number }
statement-producer-line = Producteur : { $name }
statement-dates-line = Factures du { $from } au { $to }
statement-lines = Livré et facturé
statement-adjustments = Ajustements : pertes et dons
statement-buyers-paid = Payé par les acheteurs (avant taxes) : { $amount }
statement-hub-margin = Marge du pôle : { $amount }
statement-producer-amount = À votre prix : { $amount }
statement-adjustments-total = Pertes à la charge du pôle : { $amount }
statement-owed = Montant dû : { $amount }
statement-payout = Versement
statement-margin-note = La marge du pôle est la différence entre ce que l’acheteur a payé et votre prix. Les frais de livraison et les taxes sont facturés par le pôle et ne font pas partie de ce relevé.
mail-statement-issued-subject = Relevé { $number } ({ $hub })
mail-statement-issued-body =
    Bonjour { $name },

    { $hub } a émis votre relevé { $number } : { $owed } vous sont dus.

    Téléchargez-le : { $link }
mail-statement-paid-subject = Versement du relevé { $number } ({ $hub })
mail-statement-paid-body =
    Bonjour { $name },

    { $hub } vous a versé { $owed } pour le relevé { $number }, le { $date } (réf. { $reference }).

    Le relevé : { $link }
nav-statements = Relevés
invoices-download-ubl = { $number } en XML (UBL)
err-export_too_large = Un export couvre au plus 366 jours et 5 000 factures : choisissez une période plus courte.
export-quickbooks-title = Exporter pour QuickBooks Online
export-quickbooks-hint = Les factures de la période, une ligne par produit, dans les colonnes que l’import de factures de QuickBooks Online reconnaît.
field-export-from = Du
field-export-to = Au
export-quickbooks-download = Télécharger le CSV

## Coupons: paper coupons
paper-title = Coupons papier
paper-lead = Des coupons imprimés d'une valeur fixe dans un groupe de produits, pour les personnes sans carte. Seul un coupon inscrit comme remis peut être accepté à une caisse, une seule fois, jusqu'à sa date.
paper-hand-out-title = Inscrire un coupon remis
paper-hand-out = Inscrire comme remis
field-paper-coupon = Coupon
field-paper-coupon-hint = Scannez le code QR ou tapez les 14 chiffres du numéro de série.
field-paper-participant = Remis à
paper-participant-unknown = Personne non précisée
paper-issue-title = Émettre un lot de coupons
paper-issue = Émettre le lot
field-paper-value = Valeur d'un coupon
field-paper-size = Nombre de coupons
field-paper-size-hint = De 1 à 1 000 coupons par lot.
field-paper-expires-on = Dernier jour valide
field-paper-expires-on-hint = De demain à deux ans plus tard. Après ce jour, la valeur des coupons non utilisés retourne d'où elle vient.
field-paper-partner = Organisme qui remet les coupons
field-paper-source = L'argent vient de
paper-source-reserve = Réserve du programme
paper-void-title = Annuler un coupon
paper-void = Annuler le coupon
paper-batches = Lots
paper-none = Aucun lot de coupons papier pour l'instant.
paper-batch = Lot
paper-batch-number = Lot { $batch } ({ $n } coupons)
paper-print = Imprimer
paper-status-issued = émis
paper-status-handed_out = remis
paper-status-redeemed = utilisé
paper-status-expired = expiré
paper-status-voided = annulé
paper-sheet-title = Coupons papier — lot { $batch }
paper-sheet-expiry = Valide jusqu'au { $date } inclus
register-paper-title = Coupon papier
register-paper-redeem = Accepter le coupon
flash-paper-issued = Le lot de coupons est émis. Imprimez-le depuis la liste des lots.
flash-paper-handed-out = Le coupon est inscrit comme remis.
flash-paper-voided = Le coupon est annulé et sa valeur est retournée d'où elle venait.
flash-paper-redeemed = Coupon accepté : la valeur imprimée sur le coupon est payée.
err-paper_unknown = Aucun coupon de vos programmes ne porte ce numéro ou ce code.
err-paper_batch_size = Entrez un nombre de coupons entre 1 et 1 000.
err-paper_expired = Ce coupon est expiré.
err-paper_expiry_invalid = Choisissez un dernier jour entre demain et deux ans plus tard.
err-paper_not_handed_out = Ce coupon n'a pas été inscrit comme remis à une personne : il ne peut pas être accepté.
err-paper_redeemed = Ce coupon a déjà été utilisé.
err-paper_serial_invalid = Ce numéro de série est mal tapé : il a 14 chiffres, vérifiez-les.
err-paper_state = Cette action n'est pas possible dans l'état actuel du coupon.
err-paper_voided = Ce coupon a été annulé.
## Coupons: funder reports
freport-purchases = Achats
freport-participants = Participants ayant utilisé leur carte
freport-cards = Cartes utilisées
freport-markets = Marchés
freport-basket = Panier moyen
freport-move = Mouvement
freport-move-funding = Financement
freport-move-load = Versements prévus
freport-move-manual_load = Versements manuels
freport-move-return = Retours (expirés ou remplacés)
freport-move-correction = Corrections
freport-entries = Écritures
freport-balance = Solde de l’enveloppe
freport-balance-total = Solde total
freport-history = Historique
freport-history-link = Voir l’historique
freport-history-title = Historique de l’enveloppe
freport-history-hint = Chaque financement, les versements tirés de l’enveloppe, les fonds revenus (expirés ou remplacés) et les corrections, avec le solde après chaque ligne. Les versements d’une même journée sont regroupés.
freport-history-empty = Aucun mouvement pour l’instant.
freport-charts = Dépenses en graphiques
freport-chart-month = Dépenses par mois
freport-chart-market = Dépenses par marché
freport-chart-group = Dépenses par groupe de produits
freport-chart-desc = Graphique à barres : { $title }, { $n } barres, ventes moins remboursements. Le tableau qui suit donne les montants.
freport-chart-empty = Aucune dépense sur cette période.
freport-month = Mois
freport-monthly-title = Rapport mensuel par courriel
freport-monthly-hint = Le 1er de chaque mois, recevez les chiffres du mois précédent (versements, dépenses, achats, participants, panier moyen) avec un lien vers ce rapport et son classeur XLSX.
freport-monthly-field = Je veux recevoir le rapport mensuel de ce programme
freport-flash-monthly-on = Vous recevrez le rapport mensuel de ce programme.
freport-flash-monthly-off = Vous ne recevrez plus le rapport mensuel de ce programme.
freport-mail-subject = Rapport mensuel de { $program } : { $month }
freport-mail-body =
    Bonjour,

    Voici le rapport de { $program } pour { $month }.

    Versé sur les cartes : { $loaded }
    Dépensé dans les marchés : { $spent }
    Remboursé : { $refunded }
    Expiré ou remplacé : { $expired }
    Dû aux marchés : { $owed }
    Achats : { $purchases }
    Participants ayant utilisé leur carte : { $participants }
    Participants ayant reçu un versement : { $loaded_people }
    Panier moyen : { $basket }

    Le rapport détaillé : { $link }
    Le classeur XLSX : { $xlsx }
    (Ces liens demandent de vous connecter.)

    Vous recevez ce courriel parce que vous l’avez demandé sur la page des rapports du programme ; vous pouvez l’arrêter au même endroit.
## Billing: exports and corrections
err-payment_voided = Ce paiement a été annulé : il ne compte plus et ne peut être ni appliqué ni annulé de nouveau.
export-journal-title = Exporter le journal comptable
export-journal-hint = Les factures, notes de crédit, paiements, relevés et versements aux producteurs de la période, chaque écriture équilibrée, dans les colonnes de l’import d’écritures de journal de QuickBooks Online.
export-journal-download = Télécharger le journal (CSV)
journal-accounts-title = Comptes du journal
journal-accounts-intro = Le nom de chaque compte tel qu’il figure dans votre plan comptable : le journal exporté les utilise.
journal-accounts-save = Enregistrer les comptes
journal-account-default = Par défaut : { $name }
journal-account-receivables = Comptes clients
journal-account-bank = Banque (paiements reçus et versements)
journal-account-sales_taxable = Ventes taxables
journal-account-sales_zero_rated = Ventes détaxées
journal-account-sales_exempt = Ventes exonérées
journal-account-discounts = Escomptes accordés
journal-account-delivery = Revenus de livraison
journal-account-deposits = Consignes
journal-account-gst_payable = TPS à payer
journal-account-qst_payable = TVQ à payer
journal-account-producers_payable = Sommes dues aux producteurs
journal-account-producer_purchases = Achats auprès des producteurs
journal-account-losses = Pertes à la charge du carrefour
flash-journal-accounts-saved = Comptes du journal enregistrés.
col-payment-correct = Corriger
payment-voided = Annulé
payment-void = Annuler ce paiement
payment-void-reason = Raison
flash-payment-voided = Paiement annulé : ses répartitions sont libérées. Enregistrez le bon paiement au besoin.
credit-apply = Appliquer le crédit
credit-apply-invoice = Facture
flash-credit-applied = Crédit appliqué à la facture.
err-form-stale = Ce formulaire est trop ancien. Rechargez la page et recommencez.
err-form-sent-twice = Ce formulaire a déjà été envoyé et est en cours de traitement, ou a été renvoyé avec d’autres valeurs. Rechargez la page pour vérifier.
credit-note-ubl = XML (UBL)
## Billing: tax statuses and mail
taxstatus-title = Statuts fiscaux par date
taxstatus-intro = Une facture applique les statuts TPS et TVQ en vigueur à sa date. Avant le premier statut daté, la catégorie fiscale du produit vaut pour les deux taxes.
taxstatus-today = En vigueur aujourd'hui : TPS { $gst }, TVQ { $qst }.
taxstatus-history = Historique
taxstatus-from = À compter du
taxstatus-from-hint = Le premier jour où les statuts s'appliquent (AAAA-MM-JJ, années 2000 à 2100).
taxstatus-gst = TPS
taxstatus-qst = TVQ
taxstatus-before-first = Avant la première date
taxstatus-zero_rated = détaxé
taxstatus-taxable = taxable
taxstatus-exempt = exonéré
taxstatus-add-title = Ajouter un statut à compter d'une date
taxstatus-add-hint = Un statut ajouté de nouveau pour le même jour le remplace. Les factures déjà émises gardent le leur.
taxstatus-add = Ajouter le statut
taxstatus-link = Statuts TPS et TVQ par date
taxstatus-products-title = Statuts TPS et TVQ des produits
taxstatus-products-hint = Les produits de vos producteurs : voyez leur historique fiscal et ajoutez un statut à compter d'une date (par exemple, détaxé pour la TVQ à compter du 2026-07-15).
flash-taxstatus-saved = Statut fiscal enregistré.
err-tax_status_date_invalid = Un statut fiscal commence un jour des années 2000 à 2100.
flash-adjust-already = Ce chargement ou cette correction était déjà enregistré : rien n'a été chargé de nouveau.

# --- setup ---
err-ends_in_past = La dernière journée est déjà passée.
err-expiry_in_past = La dernière journée d'utilisation est déjà passée.
err-market_group_in_use = Ce groupe de marchés contient encore des marchés : retirez-les d'abord, ou archivez le groupe.
err-schedule_started = Des versements ont eu lieu ou le calendrier a commencé : sa première journée ne peut plus changer.
flash-schedule-changed = Versement programmé modifié.
schedule-edit = Modifier
schedule-edit-title = Modifier le versement programmé
schedule-edit-hint = Voyez d'abord ce que la modification change, et pour combien de participants ; elle ne s'applique qu'une fois confirmée. Les versements déjà faits ne changent pas.
schedule-edit-starts-hint = Seulement avant le début, tant qu'aucun versement n'a eu lieu.
schedule-edit-moment-hint = En cours de route, la nouvelle fréquence s'applique dès demain ; les versements déjà faits comptent dans le maximum.
schedule-edit-expiry-hint = Pour les versements à venir. Si les fonds non dépensés restent sur la carte, déplacer la date d'expiration déplace aussi celle des fonds encore utilisables.
schedule-edit-amounts-hint = Pour les versements à venir ; les réserves des enveloppes suivent.
schedule-edit-preview = Voir ce qui change
schedule-edit-confirm = Confirmer la modification
schedule-preview-title = Ce que la modification change
schedule-preview-nothing = Rien ne change.
schedule-preview-fields = Champs modifiés :
schedule-preview-participants = { $n } participant(s) sur { $enrolled } inscrit(s) voient changer leurs versements à venir.
schedule-preview-reserved = Réservé dans les enveloppes pour les versements à venir : { $before } avant, { $after } après.
schedule-preview-lots = { $n } versement(s) déjà faits sur { $cards } carte(s), { $amount } encore utilisables, prennent la nouvelle date d'expiration.
schedule-preview-made = Les versements déjà faits ne changent pas.
schedule-preview-short = L'enveloppe de { $partner } manque de { $amount } : augmentez son budget avant de confirmer.
schedule-field-name = nom
schedule-field-starts_on = première journée
schedule-field-ends_on = dernière journée
schedule-field-moment = fréquence
schedule-field-max_loads = nombre maximal de versements
schedule-field-expiry = expiration
schedule-field-amounts = montants
market-group-rename-label = Nouveau nom du groupe
market-group-rename = Renommer
market-group-delete = Supprimer le groupe
register-rename-label = Nom de la caisse
register-rename = Renommer
report-note-remaining = Par marché, « Restant » est ce qui a été versé par ce marché moins ce qui y a été dépensé : les versements ne sont faits par aucun marché, donc un marché où l'on dépense montre un restant négatif. Le total est ce qui reste sur les cartes.
report-note-reach = « Inscrits » compte les participants actifs aujourd'hui ; « ont reçu des fonds » compte toute personne qui a reçu un versement dans la période, y compris celles retirées depuis : ce nombre peut donc être plus grand.
# --- imports ---
err-sample_row = C'est la ligne d'exemple du modèle : supprimez-la avant d'importer.
err-duplicate_id2 = Une autre personne de votre organisme a déjà cet identifiant 2.
err-duplicate_id2_in_file = Cet identifiant 2 figure deux fois dans le fichier.
err-import_not_a_list = Ce fichier n'est pas un classeur .xlsx ou .csv de participant·e·s : aucune de ses colonnes n'est celle du modèle. Téléchargez le modèle et remplissez-le.
err-import_encoding = Ce fichier n'est pas un classeur .xlsx ni un fichier .csv en UTF-8. Dans votre tableur, enregistrez-le en « CSV UTF-8 » ou en .xlsx.
import-counts = { $created } nouvelle(s) personne(s), { $updated } mise(s) à jour, { $unchanged } inchangée(s).
import-changes = Changements
import-change-field = Champ
import-change-before = Avant
import-change-after = Après
import-field-participant_type = Type
import-field-id1 = Identifiant 1
import-field-id2 = Identifiant 2
import-field-name = Nom
import-field-phone = Téléphone
import-field-email = Courriel
import-field-postal_code = Code postal
import-field-notes = Notes
import-update-hint = Une liste importée de nouveau met à jour les personnes déjà connues (même identifiant 1) : l'aperçu montre chaque changement, avant et après. Une cellule vide garde ce qui est enregistré.
err-invitation_days_out_of_range = Une invitation reste valide de 1 à 90 jours : entrez un nombre entier.
err-last_platform_admin = La plateforme doit garder au moins une personne administratrice.
err-demote-self = Vous ne pouvez pas vous retirer l'administration de la plateforme : demandez-le à une autre personne administratrice.
err-delete-self = Vous ne pouvez pas supprimer votre propre compte ici.
err-delete-confirm = Cochez la case pour confirmer la suppression du compte.
flash-user-promoted = Ce compte administre maintenant la plateforme.
flash-user-demoted = Ce compte n'administre plus la plateforme.
flash-user-deleted = Compte supprimé. Ses actions passées restent au journal et au registre sous un pseudonyme.
flash-invitation-resent = Invitation renvoyée avec un nouveau lien.
flash-settings-saved = Réglages enregistrés.
admin-promote = Nommer administrateur·rice
admin-promote-label = Nommer administrateur·rice de la plateforme : { $name }
admin-demote = Retirer l'administration
admin-demote-label = Retirer l'administration de la plateforme : { $name }
admin-delete = Supprimer le compte
admin-delete-confirm = Supprimer { $name } (ses actions passées restent sous un pseudonyme)
admin-user-deleted = supprimé
admin-settings = Réglages
field-invitation-days = Validité d'une invitation (jours)
field-invitation-days-hint = De 1 à 90 jours. S'applique aux invitations envoyées ou renvoyées à partir de maintenant.
members-resend = Renvoyer
members-resend-label = Renvoyer l'invitation à { $email }
members-invitation-expired = expirée le { $date }
# --- people ---
participant-return-hint = Cette personne a été retirée du programme. Faites-la revenir pour l'inscrire de nouveau : son code, sa carte et son historique restent les mêmes.
participant-return = Faire revenir cette personne
flash-participant-returned = La personne est de retour : inscrivez-la aux calendriers de versement qui s'appliquent.
participant-type-conflict = Son type ne reçoit rien dans ces calendriers : ses versements à venir y sont de 0,00 $. Changez son type ou les montants du calendrier.
participants-type-conflicts = Ces personnes sont inscrites à un calendrier qui ne donne rien à leur type (versements à venir de 0,00 $) : à régler.
participant-type-change-effects = Ce changement de type modifie les versements à venir. Vérifiez puis confirmez.
participant-type-change-pending = Versements à venir
participant-type-change-before = Avant (par versement, total)
participant-type-change-after = Après (par versement, total)
participant-type-change-nothing = rien : à régler
participant-type-change-confirm = Je confirme ce changement et ses effets sur les versements à venir
participant-load-skipped = sauté (carte non utilisée)
participant-load-no-card = sans carte
participant-reissue-all = Verser les { $count } versements de { $schedule } maintenant
err-max_loads_reached = Cette personne a déjà reçu tous les versements permis : augmentez d'abord son nombre de versements.
err-no_card = Cette personne n'a pas de carte : donnez-lui une carte d'abord.
err-participant_active = Cette personne est active : il n'y a rien à faire revenir.
err-type_change_unconfirmed = Ce changement de type modifie les versements à venir : vérifiez ses effets et confirmez.

# --- lead, stop 26 ---
err-allowance_outside_program = Les fonds hors plateforme courent pendant la saison du programme : de son premier jour à son dernier.
