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
err-email_invalid = Entrez une adresse courriel valide, comme nom@exemple.ca.
err-password_too_short = Le mot de passe doit avoir au moins 10 caractères.
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
err-login-throttled = Trop de tentatives. Attendez 15 minutes avant de réessayer.
err-disable-self = Vous ne pouvez pas désactiver votre propre compte.

## Pages d'erreur
error-title = Page indisponible
error-back-home = Retour à l'accueil
err-not-found = Cette page n'existe pas, ou vous n'y avez pas accès.
err-forbidden = Votre rôle ne permet pas d'ouvrir cette page.
err-csrf = Le formulaire a expiré. Revenez en arrière, rechargez la page et réessayez.
err-bad-form = Le formulaire envoyé est illisible. Rechargez la page et réessayez.
err-internal = Une erreur inattendue s'est produite. Réessayez dans un moment.

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
home-next-account = Vérifier votre nom, votre langue et votre mot de passe
home-coming-title = Bientôt dans Halles
home-intro-hub = Votre pôle nourricier réunit des producteurs et vend leurs produits à des institutions, des restaurants et des ménages.
home-intro-producer = Votre ferme vend ses produits par l'entremise d'un ou de plusieurs pôles nourriciers.
home-intro-buyer = Votre organisation achète des produits locaux auprès d'un pôle nourricier.
home-intro-program_operator = Votre organisation gère un programme de coupons nourriciers avec ses partenaires, ses marchés et ses bailleurs de fonds.
home-intro-partner_org = Votre organisme inscrit des participantes et participants à un programme de coupons nourriciers.
home-intro-market = Votre marché accepte les coupons nourriciers à ses caisses.
home-intro-funder = Votre organisation finance un programme de coupons nourriciers et en suit les résultats.
home-coming-hub = Cycles de commande, arrivages des producteurs, listes de prix, commandes, réception, emballage, tournées, étiquettes et factures.
home-coming-producer = Catalogue de vos produits, disponibilités de la semaine, bons de commande et relevés de paiement.
home-coming-buyer = Catalogue du pôle à vos prix, panier, commandes récurrentes et factures.
home-coming-program_operator = Programmes, groupes de produits, enveloppes budgétaires, versements programmés, cartes et rapports.
home-coming-partner_org = Inscription des participants, remise des cartes et suivi de votre enveloppe budgétaire.
home-coming-market = Caisses, lecture des cartes par code QR, transactions, remboursements et réclamations.
home-coming-funder = Rapports : sommes versées et dépensées, participants joints, fonds non utilisés.

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
problem-title-422 = Données refusées
problem-title-500 = Erreur interne
problem-unauthorized = Fournissez un jeton d'API valide dans l'en-tête Authorization: Bearer.
problem-insufficient_scope = Ce jeton n'a pas la permission { $scope }.
problem-not_found = Rien ne correspond à cet identifiant dans votre organisation.
problem-malformed_body = Le corps de la requête n'est pas le JSON attendu.
problem-validation_failed = Certains champs sont invalides : voyez « errors ».
problem-idempotency_key_reused = Cette clé d'idempotence a déjà servi pour une autre requête.
problem-idempotency_key_in_progress = La première requête avec cette clé d'idempotence est encore en cours.
problem-invalid_cursor = Le curseur de pagination est illisible.
problem-internal = Une erreur inattendue s'est produite.
