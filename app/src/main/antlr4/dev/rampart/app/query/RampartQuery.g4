// Rampart's query language over the entity graph (docs/queries.md teaches it):
//
//   FIND Device WITH riskLevel = 'Critical'
//     THAT HAS Finding WITH exploitVerified = true AND state = 'open'
//   RETURN Device.name, Finding.cveId
//   LIMIT 100
//
// Keywords, class names, verbs and property names are case-insensitive; string values are not (except with LIKE).
grammar RampartQuery;

options {
    caseInsensitive = true;
}

query
    : FIND step traversal* returnClause? orderClause? limitClause? EOF
    ;

step
    : entity = IDENT (AS alias = IDENT)? (WITH condition)?
    ;

traversal
    : THAT negated = NOT? verb step
    ;

verb
    : IDENT
    | IS
    ;

condition
    : NOT condition                 # notCondition
    | condition AND condition       # andCondition
    | condition OR condition        # orCondition
    | '(' condition ')'             # groupCondition
    | predicate                     # predicateCondition
    ;

predicate
    : property op = ('=' | '!=' | '<>' | '<' | '<=' | '>' | '>=') value    # comparison
    | property NOT? IN '(' value (',' value)* ')'                          # inList
    | property NOT? LIKE STRING                                            # like
    | property IS NOT? NULL                                                # isNull
    ;

property
    : (qualifier = IDENT '.')? name = IDENT
    ;

value
    : STRING                                          # stringValue
    | '-'? NUMBER                                     # numberValue
    | (TRUE | FALSE)                                  # booleanValue
    | NULL                                            # nullValue
    | NOW (sign = ('+' | '-') amount = NUMBER unit = IDENT)?    # timeValue
    ;

returnClause
    : RETURN returnItem (',' returnItem)*
    ;

returnItem
    : COUNT '(' (target = IDENT | star = '*') ')'    # countItem
    | property                                       # propertyItem
    ;

orderClause
    : ORDER BY orderItem (',' orderItem)*
    ;

orderItem
    : returnItem (ASC | DESC)?
    ;

limitClause
    : LIMIT NUMBER
    ;

FIND: 'find';
WITH: 'with';
THAT: 'that';
AND: 'and';
OR: 'or';
NOT: 'not';
IN: 'in';
IS: 'is';
NULL: 'null';
LIKE: 'like';
RETURN: 'return';
AS: 'as';
COUNT: 'count';
ORDER: 'order';
BY: 'by';
ASC: 'asc';
DESC: 'desc';
LIMIT: 'limit';
TRUE: 'true';
FALSE: 'false';
NOW: 'now';

IDENT: [a-z_] [a-z_0-9]*;
NUMBER: [0-9]+ ('.' [0-9]+)?;
STRING: '\'' (~['\r\n] | '\'\'')* '\'' | '"' (~["\r\n] | '""')* '"';

WS: [ \t\r\n]+ -> skip;
// Anything else reaches the parser as one token, so that its error names what was expected there.
UNKNOWN: .;
