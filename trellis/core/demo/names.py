"""Synthetic names. Any resemblance to a real person is chance."""

FIRST_NAMES = (
    "Aaliyah", "Adrian", "Aisha", "Alejandro", "Amara", "Andre", "Ana", "Brianna", "Caleb",
    "Camila", "Carlos", "Chloe", "Damian", "Daniela", "Darius", "Elena", "Elijah", "Emily",
    "Ethan", "Fatima", "Gabriel", "Grace", "Hannah", "Hector", "Imani", "Isaac", "Jada",
    "Jamal", "Jasmine", "Javier", "Jordan", "Julia", "Kai", "Keisha", "Leah", "Liam", "Lucia",
    "Malik", "Maria", "Marcus", "Maya", "Mei", "Miguel", "Nadia", "Naomi", "Nathan", "Nia",
    "Noah", "Olivia", "Omar", "Priya", "Rafael", "Rosa", "Ryan", "Samir", "Sara", "Sofia",
    "Tariq", "Tess", "Tomas", "Valeria", "Victor", "Wei", "Xavier", "Yara", "Yusuf", "Zoe",
)
LAST_NAMES = (
    "Abbott", "Alvarez", "Bennett", "Brooks", "Castillo", "Chen", "Coleman", "Cruz", "Dawson",
    "Delgado", "Ellis", "Ferreira", "Fischer", "Foster", "Garcia", "Gonzalez", "Greene",
    "Hayes", "Herrera", "Hughes", "Ibarra", "Jackson", "Jensen", "Kaur", "Kim", "Lambert",
    "Lopez", "Martinez", "Mendez", "Morales", "Murphy", "Nguyen", "Novak", "Okafor", "Ortiz",
    "Patel", "Perez", "Price", "Quinn", "Ramirez", "Reyes", "Rivera", "Robinson", "Romero",
    "Santos", "Shah", "Silva", "Sullivan", "Tanaka", "Torres", "Turner", "Vargas", "Vasquez",
    "Walker", "Washington", "Webb", "Williams", "Wong", "Young", "Zhang",
)
STREETS = ("Maple Ave", "Oak St", "River Rd", "Elm St", "Hillcrest Dr", "Lakeview Blvd", "Pine Ct")
REFERRAL_REASONS = (
    "Stepping down from residential treatment; needs structured evening program.",
    "Primary care referral after positive AUDIT screen and two recent lapses.",
    "Self-referral: daily drinking, wants help while keeping full-time job.",
    "Emergency department follow-up after opioid overdose; started buprenorphine.",
    "Outpatient therapist referral: worsening depression, missing work.",
    "School counselor referral: cannabis use and declining grades.",
    "Employee assistance program referral after workplace incident.",
    "Family concern about escalating stimulant use.",
    "Psychiatrist referral: panic attacks and benzodiazepine misuse.",
    "Court-recommended treatment after DUI; motivated to engage.",
)
