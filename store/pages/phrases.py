"""The folded phrases that page furniture lines open with, or are, in the languages the
reader meets: advert labels, "read more" links, prompts, comment and site notices, a social
embed's lines, a post's categories line, paywall notices, a copyright's reserved rights.
``store.pages.furniture`` decides with them; each is matched on a whole short line,
folded (``store.text.fold``), never inside a sentence.
"""

from __future__ import annotations

# Whole lines that label an advert or a page break, folded.
LABELS = frozenset(
    {
        "advertisement",
        "advert",
        "ad",
        "sponsored",
        "sponsored content",
        "reklam",
        "publicite",
        "publicidad",
        "anzeige",
        "werbung",
        "اعلان",
        "реклама",
        "haberin devami",
        "haberin devami asagida",
        "continue reading below",
        "story continues below advertisement",
        "scroll to continue",
        "supported by",
        "image caption",
        "thanks for reading",
        "thank you for reading",
        "skip ad",
        "loading",
        "media playback is unsupported on your device",
        # Buttons and links standing alone: show more, read on, enlarge the picture.
        "read more",
        "show more",
        "mehr anzeigen",
        "mehr lesen",
        "weiterlesen",
        "lire la suite",
        "voir plus",
        "leer mas",
        "ver mas",
        "devamini oku",
        "bild vergrossern",
        "enlarge image",
        "agrandir l'image",
        "see more",
        "see more photos",
        "more photos",
        "view gallery",
        "see all photos",
        "voir la galerie",
        "zur bildergalerie",
        "view more photos",
        "voir plus de photos",
        "weitere bilder",
        "ver mas fotos",
        "daha fazla fotograf",
        # A list of topics after the story, by its heading.
        "topics",
        "related topics",
        "explore further",
        "themen",
        "sujets",
        "konular",
    }
)
# Folded starts of "read this too" lines, and of comment and sharing notices.
READ_MORE = (
    "read more:",
    "read also:",
    "also read:",
    "see also:",
    "related:",
    "lire aussi",
    "a lire aussi",
    "lesen sie auch",
    "mehr zum thema",
    "lea tambien",
    "lee tambien",
    "bunu da okuyun",
    "ilgili haber",
    "اقرا ايضا",
    "اقرا أيضا",
    "читаите также",
    "читайте также",
    "image caption ",
)
# A share or print button's label standing alone (a subhead of one word may be a story's).
SHARE_LABELS = frozenset(
    "share;share this;teilen;partager;compartir;paylas;print;print this article;"
    "print this page;print article;drucken;imprimer;imprimir;stampa;yazdir".split(";")
)
# Folded starts of a prompt to follow, sign up or click: a short line, not a sentence
# ("Click here, the scammers wrote." is a story's).
PROMPTS = (
    "follow us on",
    "sign up for our",
    "sign up to our",
    "subscribe to our",
    "click here",
    "continue reading the main story",
    "advertisement - continue reading",
)
NOTICES = (
    "comments are closed",
    "comment is closed",
    "be the first to comment",
    "you must be logged in to post a comment",
    "log in to comment",
    "leave a reply",
    "leave a comment",
    "post a comment",
    "no comments yet",
    "join the conversation",
    "our standards:",
    "les commentaires sont fermes",
    "soyez le premier a reagir",
    "soyez le premier a commenter",
    "vous devez etre connecte pour publier un commentaire",
    "die kommentarfunktion ist geschlossen",
    "kommentare geschlossen",
    "kommentare sind geschlossen",
    "schreiben sie den ersten kommentar",
    "um einen kommentar zu schreiben",
    "los comentarios estan cerrados",
    "se el primero en comentar",
    "debe iniciar sesion para comentar",
    "bu habere yorum yapilamaz",
    "ilk yorumu siz yapin",
    "bu habere ilk yorumu siz yapin",
    "yorum yapabilmek icin",
    "التعليقات مغلقة",
    "كن اول من يعلق",
    "يجب تسجيل الدخول لكتابة تعليق",
    "комментарии закрыты",
    "чтобы оставить комментарий",
    "будьте первым, кто прокомментирует",
)
# Folded starts of a site's notices about itself: cookies, old browsers, the reader's thanks.
SITE_NOTICES = (
    "we use cookies",
    "this site uses cookies",
    "this website uses cookies",
    "you are using an outdated browser",
    "your browser is out of date",
    "nous utilisons des cookies",
    "wir verwenden cookies",
    "utilizamos cookies",
)
# Folded starts of the lines a social post's embed leaves in a page.
EMBED_VIEWS = (
    "view this post on instagram",
    "view this profile on instagram",
    "bu gonderiyi instagram'da gor",
)
# ... and of the line naming the post's author, with the author's handle: "(@adele)".
EMBED_SHARED = (
    "a post shared by",
    "ein beitrag geteilt von",
    "une publication partagee par",
    "una publicacion compartida de",
)
# Folded starts of a post's categories and tags line, at a body's edge.
TAXONOMY = (
    "category:",
    "categories:",
    "tags:",
    "tagged:",
    "filed under:",
    "kategorie:",
    "kategorien:",
    "schlagworte:",
    "schlagworter:",
    "categorie:",
    "etiquetas:",
    "etiketler:",
    "kategori:",
)
# A paywall's notice where a story stops ("Subscribe to continue reading"), folded; a
# short line that opens with one of these (after a label in brackets) is furniture.
PAYWALL = (
    "subscribe to continue reading",
    "subscribe to read the full",
    "this article is for subscribers",
    "this content is for subscribers",
    "for subscribers only",
    "already a subscriber",
    "sign in to continue reading",
    "reserve aux abonnes",
    "la suite est reservee",
    "abonnez-vous pour lire la suite",
    "deja abonne",
    "nur fur abonnenten",
    "weiterlesen mit",
    "exclusivo para suscriptores",
    "suscribete para seguir leyendo",
    "ya eres suscriptor",
    "riservato agli abbonati",
    "abonelere ozel",
    "devamini okumak icin abone",
    "только для подписчиков",
    "للمشتركين فقط",
    "cet article est reserve",
    "この記事は会員限定",
    "会員の方はこちら",
)
RESERVED = (
    "all rights reserved",
    "tous droits reserves",
    "alle rechte vorbehalten",
    "todos los derechos reservados",
    "tum haklari saklidir",
    "جميع الحقوق محفوظة",
    "все права защищены",
)
# Folded starts of a categories line without a colon ("Posted in News | Tagged ..."):
# only a short line without a clause after a comma is one.
TAXONOMY_BARE = ("posted in", "filed under")
# How a sentence ends (a line ending so is a story's, not a label's or a credit's).
SENTENCE_ENDS = (".", "!", "?", "…", "؟", "。")
