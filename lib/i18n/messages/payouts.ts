/**
 * The card page's cashback payouts section (where to be paid, the holder's payouts), in every
 * language. Each language's catalogue spreads its part in (messages/<lang>.ts).
 */
export const payoutsEn = {
  "payouts.title": "Cashback payouts",
  "payouts.minimum": "Your cashback is paid out once it reaches {amount}.",
  "payouts.paypal.label": "PayPal email for your cashback",
  "payouts.paypal.hint": "We send your cashback to this PayPal account. Leave it empty to stop.",
  "payouts.paypal.save": "Save PayPal email",
  "payouts.paypal.saved": "Saved: your cashback goes to this PayPal email.",
  "payouts.paypal.invalid": "Please enter a valid email address.",
  "payouts.stripe.link": "Link a Stripe account",
  "payouts.stripe.hint": "Stripe asks a few questions once, then your cashback arrives in your bank account.",
  "payouts.stripe.linked": "Your Stripe account is linked: your cashback is paid there.",
  "payouts.stripe.unfinished": "Your Stripe account is not ready yet. Continue where you left off:",
  "payouts.stripe.continue": "Continue with Stripe",
  "payouts.unavailable": "Payouts are not available right now. Please try again later.",
  "payouts.none": "No payouts yet.",
  "payouts.status.pending": "On its way",
  "payouts.status.paid": "Paid",
  "payouts.status.failed": "Failed",
  "payouts.returned": "returned to your card",
} as const;

type Texts = { readonly [K in keyof typeof payoutsEn]: string };

export const payoutsEs: Texts = {
  "payouts.title": "Pagos de reembolso",
  "payouts.minimum": "Tu reembolso se paga cuando llega a {amount}.",
  "payouts.paypal.label": "Email de PayPal para tu reembolso",
  "payouts.paypal.hint": "Enviamos tu reembolso a esta cuenta de PayPal. Déjalo vacío para dejar de recibirlo.",
  "payouts.paypal.save": "Guardar email de PayPal",
  "payouts.paypal.saved": "Guardado: tu reembolso irá a este email de PayPal.",
  "payouts.paypal.invalid": "Introduce un email válido.",
  "payouts.stripe.link": "Vincular una cuenta de Stripe",
  "payouts.stripe.hint": "Stripe te hace unas preguntas una sola vez y luego tu reembolso llega a tu cuenta bancaria.",
  "payouts.stripe.linked": "Tu cuenta de Stripe está vinculada: tu reembolso se paga allí.",
  "payouts.stripe.unfinished": "Tu cuenta de Stripe aún no está lista. Continúa donde lo dejaste:",
  "payouts.stripe.continue": "Continuar con Stripe",
  "payouts.unavailable": "Los pagos no están disponibles ahora. Inténtalo más tarde.",
  "payouts.none": "Aún no hay pagos.",
  "payouts.status.pending": "En camino",
  "payouts.status.paid": "Pagado",
  "payouts.status.failed": "Fallido",
  "payouts.returned": "devuelto a tu tarjeta",
};

export const payoutsFr: Texts = {
  "payouts.title": "Versements de cashback",
  "payouts.minimum": "Votre cashback est versé dès qu'il atteint {amount}.",
  "payouts.paypal.label": "E-mail PayPal pour votre cashback",
  "payouts.paypal.hint": "Nous versons votre cashback sur ce compte PayPal. Laissez vide pour arrêter.",
  "payouts.paypal.save": "Enregistrer l'e-mail PayPal",
  "payouts.paypal.saved": "Enregistré : votre cashback sera versé à cet e-mail PayPal.",
  "payouts.paypal.invalid": "Veuillez saisir une adresse e-mail valide.",
  "payouts.stripe.link": "Associer un compte Stripe",
  "payouts.stripe.hint": "Stripe vous pose quelques questions une seule fois, puis votre cashback arrive sur votre compte bancaire.",
  "payouts.stripe.linked": "Votre compte Stripe est associé : votre cashback y est versé.",
  "payouts.stripe.unfinished": "Votre compte Stripe n'est pas encore prêt. Reprenez où vous en étiez :",
  "payouts.stripe.continue": "Continuer avec Stripe",
  "payouts.unavailable": "Les versements ne sont pas disponibles pour le moment. Réessayez plus tard.",
  "payouts.none": "Aucun versement pour l'instant.",
  "payouts.status.pending": "En cours",
  "payouts.status.paid": "Versé",
  "payouts.status.failed": "Échoué",
  "payouts.returned": "recrédité sur votre carte",
};

export const payoutsDe: Texts = {
  "payouts.title": "Cashback-Auszahlungen",
  "payouts.minimum": "Ihr Cashback wird ausgezahlt, sobald es {amount} erreicht.",
  "payouts.paypal.label": "PayPal-E-Mail für Ihr Cashback",
  "payouts.paypal.hint": "Wir zahlen Ihr Cashback auf dieses PayPal-Konto aus. Leer lassen, um es zu beenden.",
  "payouts.paypal.save": "PayPal-E-Mail speichern",
  "payouts.paypal.saved": "Gespeichert: Ihr Cashback geht an diese PayPal-E-Mail.",
  "payouts.paypal.invalid": "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
  "payouts.stripe.link": "Stripe-Konto verknüpfen",
  "payouts.stripe.hint": "Stripe stellt einmalig ein paar Fragen, danach kommt Ihr Cashback auf Ihr Bankkonto.",
  "payouts.stripe.linked": "Ihr Stripe-Konto ist verknüpft: Ihr Cashback wird dorthin ausgezahlt.",
  "payouts.stripe.unfinished": "Ihr Stripe-Konto ist noch nicht bereit. Machen Sie dort weiter, wo Sie aufgehört haben:",
  "payouts.stripe.continue": "Weiter mit Stripe",
  "payouts.unavailable": "Auszahlungen sind gerade nicht verfügbar. Bitte versuchen Sie es später erneut.",
  "payouts.none": "Noch keine Auszahlungen.",
  "payouts.status.pending": "Unterwegs",
  "payouts.status.paid": "Ausgezahlt",
  "payouts.status.failed": "Fehlgeschlagen",
  "payouts.returned": "Ihrer Karte gutgeschrieben",
};
