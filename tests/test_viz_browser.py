"""The backward stepper in a real browser: buttons, slider and arrow keys step it,
two steppers on one page step on their own, a saved page answers the keys at once, and
axe-core (tests/vendor/axe-core) finds no serious or critical violation in it."""

from __future__ import annotations

import pytest

from tinygrad_nn import Tensor, viz

pytest.importorskip("selenium", reason="the browser test needs selenium: pip install selenium")
from axe_core import serious_violations
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


def square_plus_constant() -> Tensor:
    """Σ(x·x + 3): three ops, so four frames."""
    x = Tensor([[0.5, -2.0]], requires_grad=True, name="x")
    loss = (x * x + 3.0).sum()
    loss.name = "loss"
    return loss


def state(stepper) -> tuple[str, list[str]]:
    """The counter's text and the data-focus of each frame shown."""
    shown = [frame.get_attribute("data-focus")
             for frame in stepper.find_elements(By.CSS_SELECTOR, ":scope > .frame")
             if frame.is_displayed()]
    return stepper.find_element(By.CLASS_NAME, "counter").text, shown


def button(stepper, name: str):
    return stepper.find_element(By.CLASS_NAME, name)


@pytest.fixture(scope="module")
def stepper():
    try:
        return viz.backward_stepper(square_plus_constant())
    except viz.GraphvizNotFoundError as error:
        pytest.skip(str(error))


def test_two_steppers_on_one_page_step_on_their_own(browser, stepper, tmp_path):
    page = tmp_path / "two.html"
    page.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
                    f"{stepper._repr_html_()}<p>between</p>{stepper._repr_html_()}</body></html>",
                    encoding="utf-8")
    browser.get(page.as_uri())
    first, second = browser.find_elements(By.CLASS_NAME, "tinygrad-nn-stepper")
    focus = [frame.focus for frame in stepper.frames]
    assert state(first) == state(second) == ("step 0 of 3", [focus[0]])
    assert not button(first, "prev").is_enabled()

    button(first, "next").click()
    assert state(first) == ("step 1 of 3", [focus[1]])
    assert state(second) == ("step 0 of 3", [focus[0]])

    second.find_element(By.CLASS_NAME, "heading").click()  # the focus goes to the second
    second.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    assert state(second) == ("step 3 of 3", [focus[3]])  # stops at the last step
    assert not button(second, "next").is_enabled()
    second.send_keys(Keys.ARROW_LEFT)
    assert state(second) == ("step 2 of 3", [focus[2]])
    assert state(first) == ("step 1 of 3", [focus[1]])

    slider = first.find_element(By.CLASS_NAME, "slider")
    slider.send_keys(Keys.END)
    assert state(first) == ("step 3 of 3", [focus[3]])
    slider.send_keys(Keys.ARROW_LEFT)
    assert state(first) == ("step 2 of 3", [focus[2]])
    button(first, "prev").click()
    button(first, "prev").click()
    assert state(first) == ("step 0 of 3", [focus[0]])
    assert state(second) == ("step 2 of 3", [focus[2]])
    text = first.find_element(By.CSS_SELECTOR, ".frame:not([hidden]) .text").text
    assert text.startswith("Forward pass")


def test_a_saved_stepper_steps_with_the_arrow_keys_at_once(browser, stepper, tmp_path):
    browser.get(stepper.save(tmp_path / "backward.html").as_uri())
    page = browser.find_element(By.TAG_NAME, "body")
    only = browser.find_element(By.CLASS_NAME, "tinygrad-nn-stepper")
    page.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    assert state(only) == ("step 2 of 3", [stepper.frames[2].focus])
    text = only.find_element(By.CSS_SELECTOR, ".frame:not([hidden]) .text").text
    assert text.startswith("Step 2 of 3: +") and "constant: needs no gradient" in text
    browser.save_screenshot(str(tmp_path / "stepper.png"))


def test_axe_finds_no_serious_or_critical_violation_in_a_saved_stepper(browser, stepper,
                                                                        tmp_path):
    browser.get(stepper.save(tmp_path / "backward.html").as_uri())
    assert serious_violations(browser) == []
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.END)  # the last step too
    assert serious_violations(browser) == []


def one_stepper_page(stepper, tmp_path) -> str:
    """A page holding the stepper as a notebook shows it: the keys step it while it has
    the focus."""
    page = tmp_path / "one.html"
    page.write_text(f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>one'
                    f"</title></head><body>{stepper._repr_html_()}</body></html>",
                    encoding="utf-8")
    return page.as_uri()


def test_the_buttons_look_like_buttons_a_finger_can_press(browser, stepper, tmp_path):
    browser.get(one_stepper_page(stepper, tmp_path))
    only = browser.find_element(By.CLASS_NAME, "tinygrad-nn-stepper")
    for name in ("prev", "next"):
        pressed = button(only, name)
        assert pressed.size["height"] >= 44, f"{name}: {pressed.size} is under 44 px tall"
        assert pressed.value_of_css_property("border-top-style") == "solid"
        assert float(pressed.value_of_css_property("border-top-width").removesuffix("px")) >= 1
        assert pressed.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"


def test_the_keys_still_step_it_once_a_button_is_disabled_at_an_end(browser, stepper,
                                                                    tmp_path):
    browser.get(one_stepper_page(stepper, tmp_path))
    only = browser.find_element(By.CLASS_NAME, "tinygrad-nn-stepper")
    focus = [frame.focus for frame in stepper.frames]
    keys = ActionChains(browser)
    for _ in range(3):
        button(only, "next").click()
    assert state(only) == ("step 3 of 3", [focus[3]]) and not button(only, "next").is_enabled()
    assert browser.execute_script("return arguments[0].contains(document.activeElement);", only)
    keys.send_keys(Keys.ARROW_LEFT).perform()
    assert state(only) == ("step 2 of 3", [focus[2]])
    for _ in range(2):
        button(only, "prev").click()
    assert state(only) == ("step 0 of 3", [focus[0]]) and not button(only, "prev").is_enabled()
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    assert state(only) == ("step 1 of 3", [focus[1]])
