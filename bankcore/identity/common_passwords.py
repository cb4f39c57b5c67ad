"""Passwords too common to allow (NIST SP 800-63B section 3.1.1.2: check against breached and
commonly used values).

``COMMON_PASSWORDS`` are refused whole (compared lower-case). ``COMMON_BASES`` are refused
with digits or symbols stuck on either end ("Qwerty@123", "2024monkey!"), the commonest
way people stretch a short word to the minimum length. Compiled by hand from the top of
the public frequency lists (RockYou, SecLists' 10k-most-common, NCSC's 100k list) plus the
Indian-context favourites that show up in breach dumps of Indian services; lengths below
8 are already refused by the length rule and kept only as bases.
"""

from __future__ import annotations

COMMON_PASSWORDS: frozenset[str] = frozenset(
    """
    password password1 password12 password123 password1234 password! password@123 password#123
    passw0rd p@ssw0rd p@ssword p@55w0rd pa$$word pa55word passwort motdepasse contraseña
    12345678 123456789 1234567890 0123456789 12341234 123123123 123456123 11223344 12344321
    87654321 987654321 9876543210 11111111 111111111 1111111111 00000000 000000000 22222222
    33333333 44444444 55555555 66666666 77777777 88888888 99999999 12121212 13131313 69696969
    123qweasd 123qwe123 qwe123qwe 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y 1qaz2wsx 1qaz2wsx3edc zaq12wsx
    zaq1zaq1 qazwsxedc qazwsx123 q1w2e3r4 q1w2e3r4t5 qwerty12 qwerty123 qwerty1234 qwertyui
    qwertyuiop qwertyu1 asdfghjk asdfghjkl asdf1234 asdfasdf zxcvbnm1 zxcvbnm123 zxcvbnma
    1234qwer qwer1234 abcd1234 abc12345 abc123456 abcdefgh abcdefg1 a1b2c3d4 aa123456 aaaaaaaa
    iloveyou iloveyou1 iloveyou2 iloveu123 iloveme1 loveyou1 lovelove sweetheart sunshine
    sunshine1 princess princess1 football football1 baseball baseball1 basketball superman
    superman1 batman123 starwars whatever trustno1 letmein1 letmein123 welcome1 welcome12
    welcome123 welcome@123 changeme changeme1 default1 admin123 admin1234 admin@123 adminadmin
    administrator root1234 toor1234 secret123 test1234 testtest guest123 user1234 login123
    master12 master123 computer internet jennifer michelle michael1 jessica1 charlie1 jordan23
    corvette mercedes mustang1 ferrari1 porsche1 dragon12 monkey12 shadow12 killer12 hunter12
    freedom1 ginger12 pepper12 tigger12 buster12 soccer12 hockey12 cowboys1 chelsea1 arsenal1
    liverpool liverpool1 manchester barcelona realmadrid juventus fcbarcelona chocolate
    butterfly elephant pokemon1 minecraft fortnite spiderman ironman1 blink182 metallica
    nirvana1 scorpion samsung1 samsung123 iphone123 apple123 google123 facebook instagram
    linkedin twitter1 youtube1 microsoft windows1 computer1 qwerty!@ 1qazxsw2 asdfghjkl;
    india123 india@123 india1234 indian123 hindustan bharat123 jaihind1 jaihind123 mumbai123
    delhi123 chennai123 kolkata123 bangalore hyderabad pune1234 jaipur123 lucknow123 kerala123
    punjab123 gujarat123 krishna1 krishna123 radhakrishna harekrishna sairam123 omsairam
    omsairam1 jaishreeram jaishriram shreeram sriram123 ganesh123 ganesha1 hanuman1 jaihanuman
    mahadev1 harharmahadev shivshakti omnamahshivay omnamahshivaya durga123 lakshmi1 balaji123
    venkatesh tirupati1 waheguru waheguru1 allah786 bismillah ya786786 786786786 mashallah
    jesus123 jesuschrist godisgood iloveindia iloveyoumom iloveyouma mummypapa mummy123
    papa1234 mother123 father123 family123 sachin10 sachin123 dhoni007 virat18 viratkohli
    cricket1 cricket123 ipl12345 rcb12345 chennaisuperkings bollywood shahrukh salmankhan
    srk12345 priyanka deepika1 aishwarya anushka1 kareena1 katrina1 priya123 pooja123 neha1234
    rahul123 amit1234 rohit123 sandeep1 sanjay123 suresh123 ramesh123 rajesh123 mahesh123
    ankit123 vikas123 deepak123 manoj123 anil1234 sunil123 ravi1234 raju1234 sonu1234 monu1234
    coopbank coopbank1 coopbank123 bank1234 bank@123 banking1 banking123 netbanking sbi12345
    hdfc1234 icici123 axis1234 cooperative society1 sahakari credit123 money123 rupee123
    """.split()
)

COMMON_BASES: frozenset[str] = frozenset(
    """
    password passw0rd p@ssw0rd p@ssword pass qwerty qwert asdf asdfgh zxcvbn zxcvbnm qazwsx
    abc abcd abcdef admin root test guest user login welcome letmein changeme secret default
    iloveyou loveyou love monkey dragon shadow master killer hunter freedom ginger pepper
    tigger buster soccer hockey cricket football baseball sunshine princess superman batman
    michael jordan charlie thomas daniel andrew george jessica ashley summer winter
    india bharat hindustan jaihind mumbai delhi chennai kolkata pune krishna radha ram
    sairam omsairam ganesh ganesha hanuman shiva mahadev durga lakshmi balaji waheguru allah
    bismillah jesus god mummy papa mother father family sachin dhoni virat rahul amit rohit
    priya pooja neha coopbank bank banking money rupee
    """.split()
)
