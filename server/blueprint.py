"""The features' API blueprint: flask-smorest's, with a JSON reader that refuses what it
cannot parse as a 400 in the one error shape.

webargs turns a syntax error into "Invalid JSON body." but lets the parser's RecursionError
(a body of 100,000 nested ``[``) escape as a 500; such a body cannot be read either.
"""
from __future__ import annotations

import flask_smorest
from webargs.flaskparser import FlaskParser


class JsonParser(FlaskParser):
    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError as exc:  # nested deeper than the decoder's stack
            self._handle_invalid_json_error(exc, req)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonParser()
