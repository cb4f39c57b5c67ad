"""Regenerate the Hindi and Marathi catalogs of notification templates (bankcore/notifications/locale).

The English templates in bankcore/notifications/templates.py are the message ids; the
translations are kept here and written out with Babel. Run from the repository root:
``python scripts/notification_catalogs.py``.
"""
import sys
sys.path.insert(0, ".")
from bankcore.notifications.templates import TEMPLATES
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

HI = {
 "Money debited": "राशि नामे",
 "{amount} debited from your account {account} on {date}. Balance {balance}. Not you? Call the bank at once.":
   "आपके खाते {account} से {date} को {amount} नामे किए गए। शेष {balance}। आपने नहीं किया? तुरंत बैंक को फ़ोन करें।",
 "Money credited": "राशि जमा",
 "{amount} credited to your account {account} on {date}. Balance {balance}.":
   "आपके खाते {account} में {date} को {amount} जमा किए गए। शेष {balance}।",
 "EMI due soon": "ईएमआई जल्द देय",
 "Your EMI of {amount} on loan {loan} is due on {due_date}.": "ऋण {loan} की {amount} की ईएमआई {due_date} को देय है।",
 "EMI overdue": "ईएमआई अतिदेय",
 "Your EMI of {amount} on loan {loan} is overdue since {due_date}. Please pay it to avoid charges.":
   "ऋण {loan} की {amount} की ईएमआई {due_date} से अतिदेय है। शुल्क से बचने के लिए कृपया भुगतान करें।",
 "Deposit maturing": "जमा परिपक्व होने वाली है",
 "Your deposit {account} of {amount} matures on {maturity_date}.": "आपकी {amount} की जमा {account} {maturity_date} को परिपक्व होगी।",
 "Deposit matured": "जमा परिपक्व",
 "Your deposit {account} matured on {maturity_date}: {amount}.": "आपकी जमा {account} {maturity_date} को परिपक्व हुई: {amount}।",
 "KYC update due": "केवाईसी अद्यतन देय",
 "Your KYC details are due for update by {due_date}. Please visit your branch.":
   "आपके केवाईसी विवरण {due_date} तक अद्यतन होने हैं। कृपया अपनी शाखा में आएँ।",
 "New sign-in": "नया साइन-इन",
 "Your account was signed in to from a new device ({device}). Not you? Call the bank at once.":
   "आपके खाते में एक नए उपकरण ({device}) से साइन-इन हुआ। आपने नहीं किया? तुरंत बैंक को फ़ोन करें।",
 "Mobile number changed": "मोबाइल नंबर बदला गया",
 "The mobile number of your bank account was changed to {mobile}. Not you? Call the bank at once.":
   "आपके बैंक खाते का मोबाइल नंबर {mobile} में बदला गया। आपने नहीं किया? तुरंत बैंक को फ़ोन करें।",
 "Password changed": "पासवर्ड बदला गया",
 "Your password was changed. Not you? Call the bank at once.": "आपका पासवर्ड बदला गया। आपने नहीं किया? तुरंत बैंक को फ़ोन करें।",
 "E-mail changed": "ई-मेल बदला गया",
 "The e-mail address of your bank account was changed to {email}. Not you? Call the bank at once.":
   "आपके बैंक खाते का ई-मेल पता {email} में बदला गया। आपने नहीं किया? तुरंत बैंक को फ़ोन करें।",
 "Message from the bank": "बैंक का संदेश",
 "Standing instruction failed": "स्थायी निर्देश विफल",
 "Your standing instruction of {amount} due on {due_on} could not be paid: {reason}.":
   "{due_on} को देय {amount} का आपका स्थायी निर्देश भुगतान नहीं हो सका: {reason}।",
 "Account becoming inoperative": "खाता निष्क्रिय होने वाला है",
 "Your account {account_number} has had no transaction since {last_activity_on} and becomes inoperative on {inoperative_on}. Use it or visit your branch to keep it active.":
   "आपके खाते {account_number} में {last_activity_on} से कोई लेन-देन नहीं हुआ है और यह {inoperative_on} को निष्क्रिय हो जाएगा। इसे सक्रिय रखने के लिए इसका उपयोग करें या अपनी शाखा में आएँ।",
}
MR = {
 "Money debited": "रक्कम नावे",
 "{amount} debited from your account {account} on {date}. Balance {balance}. Not you? Call the bank at once.":
   "आपल्या खाते {account} मधून {date} रोजी {amount} नावे झाले. शिल्लक {balance}. आपण केले नाही? त्वरित बँकेला फोन करा.",
 "Money credited": "रक्कम जमा",
 "{amount} credited to your account {account} on {date}. Balance {balance}.":
   "आपल्या खाते {account} मध्ये {date} रोजी {amount} जमा झाले. शिल्लक {balance}.",
 "EMI due soon": "हप्ता लवकरच देय",
 "Your EMI of {amount} on loan {loan} is due on {due_date}.": "कर्ज {loan} चा {amount} चा हप्ता {due_date} रोजी देय आहे.",
 "EMI overdue": "हप्ता थकीत",
 "Your EMI of {amount} on loan {loan} is overdue since {due_date}. Please pay it to avoid charges.":
   "कर्ज {loan} चा {amount} चा हप्ता {due_date} पासून थकीत आहे. शुल्क टाळण्यासाठी कृपया भरणा करा.",
 "Deposit maturing": "ठेव मुदतपूर्तीला",
 "Your deposit {account} of {amount} matures on {maturity_date}.": "आपली {amount} ची ठेव {account} {maturity_date} रोजी मुदतपूर्ण होईल.",
 "Deposit matured": "ठेव मुदतपूर्ण",
 "Your deposit {account} matured on {maturity_date}: {amount}.": "आपली ठेव {account} {maturity_date} रोजी मुदतपूर्ण झाली: {amount}.",
 "KYC update due": "केवायसी अद्ययावत करणे देय",
 "Your KYC details are due for update by {due_date}. Please visit your branch.":
   "आपली केवायसी माहिती {due_date} पर्यंत अद्ययावत करायची आहे. कृपया आपल्या शाखेला भेट द्या.",
 "New sign-in": "नवीन साइन-इन",
 "Your account was signed in to from a new device ({device}). Not you? Call the bank at once.":
   "आपल्या खात्यात नवीन उपकरणावरून ({device}) साइन-इन झाले. आपण केले नाही? त्वरित बँकेला फोन करा.",
 "Mobile number changed": "मोबाइल क्रमांक बदलला",
 "The mobile number of your bank account was changed to {mobile}. Not you? Call the bank at once.":
   "आपल्या बँक खात्याचा मोबाइल क्रमांक {mobile} असा बदलला. आपण केले नाही? त्वरित बँकेला फोन करा.",
 "Password changed": "पासवर्ड बदलला",
 "Your password was changed. Not you? Call the bank at once.": "आपला पासवर्ड बदलला. आपण केले नाही? त्वरित बँकेला फोन करा.",
 "E-mail changed": "ई-मेल बदलला",
 "The e-mail address of your bank account was changed to {email}. Not you? Call the bank at once.":
   "आपल्या बँक खात्याचा ई-मेल पत्ता {email} असा बदलला. आपण केले नाही? त्वरित बँकेला फोन करा.",
 "Message from the bank": "बँकेचा संदेश",
 "Standing instruction failed": "स्थायी सूचना अयशस्वी",
 "Your standing instruction of {amount} due on {due_on} could not be paid: {reason}.":
   "{due_on} रोजी देय {amount} ची आपली स्थायी सूचना भरता आली नाही: {reason}.",
 "Account becoming inoperative": "खाते निष्क्रिय होणार आहे",
 "Your account {account_number} has had no transaction since {last_activity_on} and becomes inoperative on {inoperative_on}. Use it or visit your branch to keep it active.":
   "आपल्या खाते {account_number} मध्ये {last_activity_on} पासून कोणताही व्यवहार झालेला नाही आणि ते {inoperative_on} रोजी निष्क्रिय होईल. ते सक्रिय ठेवण्यासाठी त्याचा वापर करा किंवा आपल्या शाखेला भेट द्या.",
}
for lang, table in (("hi", HI), ("mr", MR)):
    cat = Catalog(locale=lang, project="coopbank notifications", domain="notifications")
    for kind, (title, body) in TEMPLATES.items():
        for msg in (title, body):
            if msg in ("{text}",):
                continue
            cat.add(msg, table.get(msg, ""), auto_comments=[f"kind: {kind}"])
    with open(f"bankcore/notifications/locale/{lang}/LC_MESSAGES/notifications.po", "wb") as f:
        write_po(f, cat, width=0)
    missing = [m for m in cat if m.id and not m.string]
    print(lang, "untranslated:", [m.id for m in missing])
