export { DecisionError, exceedsLimit, invalidField } from "./decision-error.js";
export { ErrorCatalogue, type ErrorKind } from "./error-catalogue.js";
