"""Pages of our own for the generic extractor's tests: a story, another, a page around
them (a menu before, legal lines after)."""

from __future__ import annotations

STORY = [
    "Le conseil municipal a voté jeudi soir la réouverture de la piscine d'été, fermée depuis "
    "trois ans faute d'argent pour refaire ses bassins.",
    "Les travaux, estimés à deux millions d'euros, commenceront en janvier ; la mairie espère "
    "ouvrir les portes au public dès la fin du mois de juin.",
    "Les associations de nageurs, qui réclamaient ce vote depuis l'automne, ont salué une "
    "« très bonne nouvelle » pour les enfants du quartier.",
]


def page(body: str, head: str = "") -> str:
    return (
        f"<html><head>{head}<title>La piscine rouvre</title></head><body>"
        f"<nav><a href='/'>Accueil</a> <a href='/sport'>Sport</a></nav>{body}"
        "<footer>Mentions légales · Contact</footer></body></html>"
    )


OTHER_STORY = [
    "Le tribunal administratif a annulé mardi l'arrêté du préfet sur les horaires des "
    "commerces, jugé trop large par les syndicats, les artisans et plusieurs associations.",
    "La préfecture, qui dispose de deux mois pour faire appel, n'a pas encore réagi ; les "
    "commerçants du centre, eux, ont déjà repris leurs horaires d'hiver, comme chaque année.",
    "Une audience sur le fond est prévue au printemps, a précisé le greffe du tribunal, "
    "qui attend encore les mémoires des deux parties et l'avis du rapporteur public.",
    "Les syndicats, de leur côté, demandent une concertation avant toute nouvelle décision, "
    "et menacent de saisir le Conseil d'État si elle n'a pas lieu d'ici la fin de l'année.",
]
