"""An import-linter contract of the house's own: no two modules of the forum import each other,
directly or through others (imports inside functions count too). import-linter's own contracts
look at packages; this one looks at every module."""

import graphlib

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class AcyclicModulesContract(Contract):
    type_name = "acyclic_modules"

    root = fields.StringField()

    def check(self, graph, verbose):
        modules = [module for module in graph.modules if module == self.root or module.startswith(self.root + ".")]
        sorter = graphlib.TopologicalSorter(
            {module: graph.find_modules_directly_imported_by(module) for module in modules}
        )
        try:
            sorter.prepare()
        except graphlib.CycleError as error:
            return ContractCheck(kept=False, metadata={"cycle": error.args[1]})
        return ContractCheck(kept=True)

    def render_broken_contract(self, check):
        output.print_error("These modules import each other: " + " -> ".join(check.metadata["cycle"]))
        output.new_line()
