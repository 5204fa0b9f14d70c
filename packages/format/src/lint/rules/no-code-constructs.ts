/**
 * `no-code-constructs`: programming-language constructs given as instructions ("use a for loop",
 * "implement it with async/await", "a class CartService with these methods", "an interface with these
 * properties", "a function that loops through the array"). Recognised by programming vocabulary in the
 * role it has in code (a loop kind, a construct with its members, a code identifier after the
 * construct that names it), never by English words that merely also occur in code ("class",
 * "interface", "function", "loop", "promise", "methods" on their own).
 */
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';
import { quoted, shapeFindings, shapeSet, type WordShape } from '../shapes.js';

/** camelCase and snake_case: names only code spells so. */
const CODE_ONLY_NAME = String.raw`(?:[a-z]{2,}[A-Z][a-z]\w*|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)`;
/** A name spelled as code, PascalCase with two or more humps included (brands are spelled so too: PayPal). */
const IDENTIFIER = `(?:${CODE_ONLY_NAME}|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+)`;

/** Constructs that only code has: followed by a name spelled as code, they name one. */
const CODE_CONSTRUCT =
  '(?:class|interface|type|enum|struct|trait|protocol|decorator|function|method|hook|helper|variable|constant)';
/** Words that are also product words ("the record GitHub sends"): they name a construct only with "called"/"named". */
const SHARED_CONSTRUCT = '(?:component|module|entity|model|schema|service|controller|object|record|middleware|reducer)';

/** Members of a class, interface or object. */
const MEMBERS = '(?:methods|properties|property|fields|getters?|setters?|constructor|members|attributes)';

/** What only code does: a function that loops, maps, recurses. */
const FUNCTION_LOOPS = '(?:loops|iterates|maps|filters|reduces|recurses|mutates)';
/** Taking and returning, which products do too ("the function that returns stock"): only with code values. */
const FUNCTION_IO = '(?:takes|accepts|receives|returns)';
const CODE_VALUES =
  '(?:numbers?|strings?|booleans?|arrays?|lists?|objects?|promises?|callbacks?|parameters?|arguments?|values?|totals?|sums?|ids?|null|undefined|true|false|maps?|dictionar(?:y|ies))';

/** A lower-case letter followed by a capital, or an underscore: a line without one holds no code name. */
const HAS_CODE_NAME = /[a-z][A-Z]|_/;

/**
 * Each shape with what a line needs before the pattern is tried: one of the lower-cased words, or (with
 * `codeName`) a name spelled as code. Most lines have neither, and skip every shape.
 */
const SHAPES: readonly WordShape[] = [
  // Loops: a loop kind ("for loop", "while loop", "for...of"), or looping over an array or an object's keys.
  {
    re: /\b(?:for|while|do[- ]while|for[- ]each|foreach|for\s*\.\.\.\s*(?:of|in)|for[- ](?:of|in))\s+loops?\b/i,
    what: 'a loop construct',
    needs: ['loop'],
  },
  { re: /\bforEach\b|\bfor\s*\.\.\.\s*(?:of|in)\b/, what: 'a loop construct', needs: ['foreach', '...'] },
  {
    re: /\b(?:loops?|looping|iterates?|iterating|iteration)\s+(?:through|over)\b.{0,40}?\b(?:arrays?|keys|entries|values|elements|indexes|indices|dict(?:ionary)?|hash ?map|object)\b/i,
    what: 'iteration over a data structure',
    needs: ['loop', 'iterat'],
  },
  // Asynchrony as code writes it.
  { re: /\basync\s*\/\s*await\b/i, what: 'async/await', needs: ['async'] },
  {
    re: /\basync\s+(?:functions?|methods?|calls?|handlers?|iterators?|generators?|code)\b/i,
    what: 'async functions',
    needs: ['async'],
  },
  {
    re: /\bawait\s+(?:each|every|all|the\s+(?:call|promise|result|response|request))\b/i,
    what: 'await',
    needs: ['await'],
  },
  // Plural "promises": "we promise a reply" is a verb.
  {
    re: /\bcallbacks?\b.{0,60}?\bpromises\b|\bpromises\b.{0,60}?\bcallbacks?\b|\bpromise-based\b/i,
    what: 'callbacks and promises',
    needs: ['promise'],
  },
  { re: /\.then\s*(?:\(|chains?\b|calls?\b)/, what: 'promise chain', needs: ['.then'] },
  // Capitalized inside a sentence, "Promise" is the type: "return a Promise that resolves".
  { re: /(?<=\w\s+)Promises?\b(?=\s+(?:that|which|of|resolv|reject|chain))/, what: 'a Promise', needs: ['promise'] },
  { re: /\b(?:that|which)\s+resolves\s+(?:with|to)\b/i, what: 'a promise that resolves', needs: ['resolves'] },
  // Classes and interfaces: the construct with a name spelled as code, or with its members listed.
  {
    re: new RegExp(
      String.raw`\b${CODE_CONSTRUCT}s?\s+(?:called\s+|named\s+)?\`?${IDENTIFIER}\b|\b${SHARED_CONSTRUCT}s?\s+(?:called|named)\s+\`?${IDENTIFIER}\b`,
    ),
    what: 'a named code construct',
    needs: [],
    codeName: true,
  },
  {
    // A brand may be PascalCase ("the PayPal component"); camelCase and snake_case names are only code.
    re: new RegExp(
      String.raw`\b${IDENTIFIER}\s+(?:class|interface|type|enum|struct)\b|\b${CODE_ONLY_NAME}\s+(?:functions?|methods?|helpers?|variables?|hooks?|components?)\b`,
    ),
    what: 'a named code construct',
    needs: [],
    codeName: true,
  },
  {
    // Defining one with its members: "an interface User with properties", "a class with add and remove methods".
    re: new RegExp(
      String.raw`\b(?:class|interface|struct|trait|record|type)\b(?:\s+(?:called|named))?(?:\s+\S+)?\s+with\s+(?:[\w,]+\s+){0,8}?${MEMBERS}\b`,
      'i',
    ),
    what: 'a class or interface with its members',
    needs: ['method', 'propert', 'field', 'getter', 'setter', 'constructor', 'member', 'attribute'],
  },
  {
    re: /\b(?:singleton|abstract|base|static|sub|parent|child|wrapper|utility|helper)[- ]?class(?:es)?\b/i,
    what: 'a class design',
    needs: ['class'],
  },
  { re: /\bconstructors?\b/i, what: 'a constructor', needs: ['constructor'] },
  { re: /\benums?\b/i, what: 'an enum', needs: ['enum'] },
  {
    re: /\b(?:type\s+(?:alias|aliases|parameters?|annotations?|guards?|assertions?|definitions?|union)|generic\s+(?:types?|parameters?|functions?|class)|union\s+types?)\b/i,
    what: 'a type construct',
    needs: ['type', 'generic'],
  },
  // Functions: a kind of function, or a function described by what it does to its parameters.
  {
    re: /\b(?:helper|arrow|recursive|pure|async|callback|utility|lambda|anonymous|higher[- ]order|wrapper|factory|getter|setter|static|private|public)\s+(?:functions?|methods?)\b/i,
    what: 'a kind of function',
    needs: ['function', 'method'],
  },
  {
    re: new RegExp(
      String.raw`\b(?:functions?|methods?)\s+(?:that|which)\s+(?:${FUNCTION_LOOPS}\b|${FUNCTION_IO}\s+(?:an?\s+|the\s+)?(?:\w+\s+)?${CODE_VALUES}\b)`,
      'i',
    ),
    what: 'a function described by its code',
    needs: ['function', 'method'],
  },
  { re: /\brecursi(?:ve|vely|on)\b/i, what: 'recursion', needs: ['recursi'] },
  {
    re: /\b(?:parameters?|arguments?|args|params)\b.{0,40}?\b(?:functions?|methods?|constructors?)\b|\b(?:functions?|methods?)\b.{0,40}?\b(?:parameters?|arguments?)\b/i,
    what: 'function parameters',
    needs: ['param', 'argument', 'args'],
  },
  // Control flow and other language mechanisms.
  { re: /\bswitch\s+(?:statements?|cases?|blocks?)\b/i, what: 'a switch statement', needs: ['switch'] },
  { re: /\bif\s*\/\s*else\b|\bif-else\b|\belse[- ]if\b/i, what: 'if/else', needs: ['else'] },
  { re: /\bternar(?:y|ies)\b/i, what: 'a ternary operator', needs: ['ternar'] },
  {
    re: /\btry\s*\/\s*catch\b|\btry-catch\b|\bcatch\s+(?:blocks?|clauses?)\b|\btry\s+blocks?\b|\bre-?throw/i,
    what: 'try/catch',
    needs: ['try', 'catch', 'throw'],
  },
  {
    re: /\b(?:[Tt]hrows?|[Rr]aises?|[Rr]ethrows?)\s+(?:an?\s+|the\s+)?`?[A-Z][A-Za-z0-9]*(?:Error|Exception)\b/,
    what: 'a thrown error type',
    needs: ['throw', 'raise'],
  },
  { re: /\bregex(?:es|ps?)?\b|\bregular\s+expressions?\b/i, what: 'a regular expression', needs: ['regex', 'regular'] },
  {
    re: /\b(?:global|local|module[- ]level|static|instance|class|private|mutable|const|temporary|temp)\s+variables?\b/i,
    what: 'a variable',
    needs: ['variable'],
  },
  { re: /\bdestructur(?:e|es|ed|ing)\b/i, what: 'destructuring', needs: ['destructur'] },
  { re: /\bmemoi[sz](?:e|es|ed|ing|ation)\b/i, what: 'memoization', needs: ['memoi'] },
  {
    re: /\bclosures?\b.{0,40}?\b(?:function|scope|variable|selector|callback|handler)s?\b|\b(?:with|in|inside|using)\s+a\s+closure\b/i,
    what: 'a closure',
    needs: ['closure'],
  },
  { re: /\buse[A-Z][A-Za-z]+\b|\b[Cc]ustom\s+(?:React\s+)?hooks?\b/, what: 'a hook', needs: ['hook'], codeName: true },
  // Code expressions: an environment lookup or assignment as a program writes it.
  {
    re: /\b(?:process\.env|import\.meta\.env|os\.environ)\b|\b[A-Z][A-Z0-9]*_[A-Z0-9_]*=\S+/,
    what: 'an environment expression',
    needs: ['env', 'environ', '='],
  },
];

/** The shapes; one marked `codeName` is also tried on a line that names something as code (camelCase, snake_case). */
const SHAPE_SET = shapeSet(SHAPES, HAS_CODE_NAME);

/** Reports language constructs given as instructions. */
function checkCodeConstructs(view: LintView): LintFinding[] {
  return shapeFindings(view, SHAPE_SET, (found) => `Prescribes a code construct (${found.what}): ${quoted(found)}.`);
}

/** `no-code-constructs`: language constructs given as instructions. */
export const noCodeConstructs = defineLintRule({
  id: 'no-code-constructs',
  defaultSeverity: 'warning',
  summary: 'language constructs (loops, async/await, classes, interfaces, enums, try/catch) given as instructions',
  description:
    'Prescribes how the code is written: a loop kind, async/await or promises, a class or interface with its members, an enum, a kind of function, try/catch, a regular expression, a variable, a hook. These are the executor’s choices.',
  hint: 'State the outcome the construct was meant to achieve (every row is counted, the upload never blocks the page); the executor decides how to code it.',
  examples: {
    context: 'requirements',
    bad: [
      '- Use a for loop to add up the totals',
      '- Implement the import with async/await',
      '- Create a class CartService with add and remove methods',
      '- Define an interface with properties id, name and email',
      '- Write a function that loops through the array of orders',
      '- Wrap the upload in a try/catch and log the error',
    ],
    good: [
      '- The class schedule shows every room',
      '- The interface works on small screens',
      '- The function of the page is to list sessions',
      '- Loop the intro video until the user presses Play',
      '- Customers can choose between payment methods',
      '- Show the delivery date we promise at checkout',
    ],
  },
  notes: [
    'Words count only in the role they have in code: a loop **kind** (`for loop`, `while loop`, `for...of`, `forEach`), looping **over an array, keys or entries**; `async/await`, async functions, callbacks with promises, `.then` chains, a capitalized `Promise that ...`; a class, interface or type **with its members** (methods, properties, fields, constructor) or **named as code** (`class CartService`, `a helper called formatPrice`, `the useCart hook`); enums, type aliases, generics; a **kind** of function (helper, arrow, recursive, async) or a function that takes, returns or loops; switch statements, if/else, ternaries, try/catch, throwing a named error type (`ValidationError`); regular expressions; global, local or environment variables; destructuring, memoization, closures; hooks (`useEffect`); `process.env.X` and `NAME=value`.',
    'So "the class schedule", "the interface is easy to use", "the function of the page", "loop the intro video", "payment methods" and "a promised delivery date" are English. A single capitalized word is not a code name ("a class called Yoga Basics"); a name spelled as code is (camelCase, PascalCase with two humps, snake_case).',
    'A bare code identifier without a construct around it is not reported: in a product with a public API ("each event has a sessionId field") it is part of the outcome.',
    'Known false positives: a product whose own subject is code or data definitions uses these words as outcomes, and they are reported: "Use the regular expressions page to learn search syntax", "Global variables in the survey (age, region) filter every chart", "The enum field picker lets admins choose from fixed values". Switch the rule off (`rules`) for such products.',
  ],
  vocabulary: SHAPES.flatMap((s) => s.needs),
  check: checkCodeConstructs,
});
